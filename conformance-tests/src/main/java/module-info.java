/** The conformance suite: abstract JUnit 5 classes every plug-in's tests extend. */
module dev.dream4j.conformance {
    requires transitive dev.dream4j.spi;
    requires transitive dev.dream4j.tokenizer;
    requires transitive org.junit.jupiter.api;
}
