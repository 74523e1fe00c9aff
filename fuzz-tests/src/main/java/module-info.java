/**
 * A seeded mutation fuzzer over the inputs dream4j reads from untrusted checkpoints and users. Tokenizers are found
 * through ServiceLoader, as the kernel finds them: the tokenizer plug-in exports nothing.
 */
module dev.dream4j.fuzz {
    requires transitive dev.dream4j.checkpoint;
    requires transitive dev.dream4j.tokenizer;

    exports dev.dream4j.fuzz;

    uses dev.dream4j.tokenizer.TokenizerProvider;
}
