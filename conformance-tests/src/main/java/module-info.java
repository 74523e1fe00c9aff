/** The conformance suite: abstract JUnit 5 classes every plug-in's tests extend, and their fixtures. */
module dev.dream4j.conformance {
    requires transitive dev.dream4j.spi;
    requires transitive dev.dream4j.tokenizer;
    requires transitive dev.dream4j.checkpoint;
    requires transitive org.junit.jupiter.api;
    requires dev.dream4j.family.dream;

    exports dev.dream4j.conformance;
}
