/** The conformance suite: abstract JUnit 5 classes every plug-in's tests extend, and their fixtures. */
module dev.dream4j.conformance {
    requires transitive dev.dream4j.spi;
    requires transitive dev.dream4j.tokenizer;
    requires transitive dev.dream4j.checkpoint;
    requires transitive org.junit.jupiter.api;

    // fixtures are described by whichever family plug-ins are installed (no family is hard-wired)
    uses dev.dream4j.spi.model.ModelFamily;

    exports dev.dream4j.conformance;
}
