package dev.dream4j.tokenizer.hf;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.dream4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Single-thread encode throughput, dream4j against Hugging Face's Rust tokenizers (DJL), on the same corpus in one
 * run. Excluded by default; run it with
 * {@code mvn -pl tokenizer-hf test -Dtokenizer.excludedGroups=none -Dgroups=bench -Dtest=TokenizerBenchmark}.
 */
@Tag("bench")
class TokenizerBenchmark {

    @Test
    void encodeThroughput() throws Exception {
        List<String> texts = Corpus.realTexts(2500, 3000);
        if (texts.isEmpty()) {
            texts = Corpus.adversarial(List.of());
        }
        long bytes = texts.stream().mapToLong(t -> t.getBytes(StandardCharsets.UTF_8).length).sum();
        Tokenizer ours = new HfTokenizerProvider().load(Fixtures.qwenDir());
        try (HuggingFaceTokenizer theirs = ParityTest.djl(Fixtures.qwenDir())) {
            for (int warm = 0; warm < 2; warm++) {
                runOurs(ours, texts);
                runTheirs(theirs, texts);
            }
            double oursBest = 0;
            double theirsBest = 0;
            for (int round = 0; round < 3; round++) {
                oursBest = Math.max(oursBest, bytes / 1e6 / runOurs(ours, texts));
                theirsBest = Math.max(theirsBest, bytes / 1e6 / runTheirs(theirs, texts));
            }
            System.out.printf("encode throughput, %d texts, %.1f MB, single thread, best of 3 (warm BPE cache):%n"
                    + "  dream4j: %.1f MB/s%n  HF Rust tokenizers via DJL: %.1f MB/s%n  ratio dream4j/HF: %.2f%n",
                    texts.size(), bytes / 1e6, oursBest, theirsBest, oursBest / theirsBest);
            Tokenizer cold = new HfTokenizerProvider().load(Fixtures.qwenDir());
            System.out.printf("  dream4j, cold BPE cache, first pass: %.1f MB/s%n", bytes / 1e6 / runOurs(cold, texts));
        }
    }

    private static double runOurs(Tokenizer t, List<String> texts) {
        long start = System.nanoTime();
        long sink = 0;
        for (String s : texts) {
            sink += t.encode(s, false).length;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (sink < 0) {
            throw new AssertionError();
        }
        return secs;
    }

    private static double runTheirs(HuggingFaceTokenizer t, List<String> texts) {
        long start = System.nanoTime();
        long sink = 0;
        for (String s : texts) {
            sink += t.encode(s, false, false).getIds().length;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (sink < 0) {
            throw new AssertionError();
        }
        return secs;
    }
}
