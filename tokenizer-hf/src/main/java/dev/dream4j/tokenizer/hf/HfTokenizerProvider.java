package dev.dream4j.tokenizer.hf;

import dev.dream4j.tokenizer.Tokenizer;
import dev.dream4j.tokenizer.TokenizerProvider;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds Hugging Face {@code tokenizer.json} files (byte-level BPE). Construction touches no file. */
public final class HfTokenizerProvider implements TokenizerProvider {

    @Override
    public String name() {
        return "hf";
    }

    @Override
    public String description() {
        return "Hugging Face tokenizer.json byte-level BPE (Qwen2/2.5/3, Dream, GPT-2) with Jinja chat templates";
    }

    @Override
    public boolean supports(Path directory) {
        return directory != null && Files.isRegularFile(directory.resolve("tokenizer.json"));
    }

    @Override
    public Tokenizer load(Path directory) {
        return HfTokenizerLoader.load(directory);
    }

    /** Loads a tokenizer from its two files' contents; {@code tokenizerConfig} may be null. */
    public static Tokenizer load(java.io.InputStream tokenizerJson, java.io.InputStream tokenizerConfig) {
        return HfTokenizerLoader.load(tokenizerJson, tokenizerConfig);
    }
}
