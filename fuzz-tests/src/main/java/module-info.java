/** A seeded mutation fuzzer over the inputs dream4j reads from untrusted checkpoints and users. */
module dev.dream4j.fuzz {
    requires transitive dev.dream4j.checkpoint;
    requires transitive dev.dream4j.tokenizer;
    requires dev.dream4j.tokenizer.hf;

    exports dev.dream4j.fuzz;
}
