/** What tokenizer plug-ins implement. */
module dev.dream4j.tokenizer {
    requires transitive dev.dream4j.api;

    exports dev.dream4j.tokenizer;
}
