package dev.dream4j.tokenizer.hf;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.dream4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Token-for-token parity with Hugging Face's Rust tokenizers (through DJL) on the real Qwen vocabulary. */
class ParityTest {

    private static Tokenizer ours;
    private static HuggingFaceTokenizer oracle;
    private static Tokenizer oursTiny;
    private static HuggingFaceTokenizer oracleTiny;

    @BeforeAll
    static void load() throws Exception {
        ours = new HfTokenizerProvider().load(Fixtures.qwenDir());
        oracle = djl(Fixtures.qwenDir());
        oursTiny = new HfTokenizerProvider().load(Fixtures.tinyDir());
        oracleTiny = djl(Fixtures.tinyDir());
    }

    static HuggingFaceTokenizer djl(java.nio.file.Path dir) throws java.io.IOException {
        return HuggingFaceTokenizer.newInstance(dir.resolve("tokenizer.json"),
                Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
    }

    @AfterAll
    static void close() {
        oracle.close();
        oracleTiny.close();
    }

    private static int[] oracleIds(HuggingFaceTokenizer t, String text, boolean special) {
        long[] ids = t.encode(HfTokenizer.replaceLoneSurrogates(text), special, false).getIds();
        return Arrays.stream(ids).mapToInt(l -> (int) l).toArray();
    }

    private static List<String> specialTokens(Tokenizer t) {
        List<String> out = new ArrayList<>();
        for (int id = 0; id < t.vocabSize(); id++) {
            if (t.isSpecial(id)) {
                out.add(t.token(id).orElseThrow());
            }
        }
        return out;
    }

    /** Compares ids (and the round trip) for every text; returns the number of texts with different ids. */
    private static int compare(Tokenizer mine, HuggingFaceTokenizer theirs, List<String> texts, List<String> report) {
        int mismatches = 0;
        for (int i = 0; i < texts.size(); i++) {
            String x = texts.get(i);
            for (boolean special : i % 7 == 0 ? new boolean[] {false, true} : new boolean[] {false}) {
                int[] a = mine.encode(x, special);
                int[] b = oracleIds(theirs, x, special);
                if (!Arrays.equals(a, b)) {
                    mismatches++;
                    if (report.size() < 10) {
                        report.add("text " + i + " " + escape(x) + "\n ours:   " + Arrays.toString(a) + "\n oracle: "
                                + Arrays.toString(b));
                    }
                    continue;
                }
                String clean = HfTokenizer.replaceLoneSurrogates(x);
                String expected = theirs.decode(Arrays.stream(b).asLongStream().toArray(), false);
                String got = mine.decode(a, false);
                if (!got.equals(expected) || !got.equals(Normalizer.normalize(clean, Normalizer.Form.NFC))
                        && expected.equals(Normalizer.normalize(clean, Normalizer.Form.NFC))) {
                    mismatches++;
                    if (report.size() < 10) {
                        report.add("round trip of text " + i + " " + escape(x) + ": " + escape(got) + " vs " + escape(expected));
                    }
                }
            }
        }
        return mismatches;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().limit(200).forEach(cp -> {
            if (cp < 0x20 || cp > 0x7E) {
                sb.append(String.format("\\u%04X", cp));
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }

    @Test
    void adversarialStringsMatchTheRustTokenizer() {
        List<String> report = new ArrayList<>();
        List<String> texts = Corpus.adversarial(specialTokens(ours));
        int bad = compare(ours, oracle, texts, report);
        assertEquals(0, bad, "mismatches on " + texts.size() + " adversarial strings:\n" + String.join("\n", report));
        List<String> tinyTexts = Corpus.adversarial(specialTokens(oursTiny));
        bad = compare(oursTiny, oracleTiny, tinyTexts, report);
        assertEquals(0, bad, "mismatches (demo tokenizer):\n" + String.join("\n", report));
    }

    @Test
    void realCorpusMatchesTheRustTokenizer() {
        List<String> texts = Corpus.realTexts(2500, 3000);
        if (Corpus.sourcesPresent()) {
            assertTrue(texts.size() >= 5000, "only " + texts.size() + " corpus texts");
        }
        List<String> report = new ArrayList<>();
        long chars = texts.stream().mapToLong(String::length).sum();
        int bad = compare(ours, oracle, texts, report);
        System.out.printf("parity corpus: %d texts, %d chars, %d mismatches (Qwen vocabulary)%n", texts.size(), chars, bad);
        assertEquals(0, bad, "mismatches on " + texts.size() + " corpus texts:\n" + String.join("\n", report));
        int badTiny = compare(oursTiny, oracleTiny, texts.subList(0, Math.min(1500, texts.size())), report);
        assertEquals(0, badTiny, "mismatches (demo tokenizer):\n" + String.join("\n", report));
    }

    @Test
    void decodeOfArbitraryIdSequencesMatchesIncludingBrokenUtf8() {
        Random r = new Random(7);
        int regular = 151643;
        for (int k = 0; k < 3000; k++) {
            int[] ids = new int[1 + r.nextInt(12)];
            for (int i = 0; i < ids.length; i++) {
                // mostly byte-level single-byte tokens (broken UTF-8 likely), some whole words, some specials
                int pick = r.nextInt(10);
                ids[i] = pick < 6 ? r.nextInt(256) : pick < 9 ? r.nextInt(regular) : 151643 + r.nextInt(20);
            }
            long[] l = Arrays.stream(ids).asLongStream().toArray();
            for (boolean skip : new boolean[] {false, true}) {
                String expected = oracle.decode(l, skip);
                assertEquals(expected, ours.decode(ids, skip), "ids " + Arrays.toString(ids) + " skip " + skip);
                var d = ours.streamingDecoder(skip);
                StringBuilder sb = new StringBuilder();
                for (int id : ids) {
                    sb.append(d.push(id));
                }
                assertEquals(expected, sb.append(d.finish()).toString(), "streaming, ids " + Arrays.toString(ids));
            }
        }
    }
}
