package dev.dream4j.tokenizer.hf;

import dev.dream4j.api.TokenizerException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile tokenizer files and texts: typed errors, bounded work. */
class HostileTokenizerTest {

    private static String tinyJson() {
        return Fixtures.text("/tiny-dream-code/tokenizer.json");
    }

    private static HfTokenizer load(String tokenizerJson) {
        return HfTokenizerLoader.load(new ByteArrayInputStream(tokenizerJson.getBytes(StandardCharsets.UTF_8)), null);
    }

    @Test
    void addedTokenIdsOutsideTheLimitsAreTyped() {
        String json = tinyJson();
        int at = json.indexOf("\"id\":", json.indexOf("\"added_tokens\""));
        assertTrue(at > 0);
        int end = json.indexOf(',', at);
        for (String id : new String[] {"-1", "2147483647", "2e9", "\"x\""}) {
            String bad = json.substring(0, at) + "\"id\": " + id + json.substring(end);
            TokenizerException e = assertThrows(TokenizerException.class, () -> load(bad));
            assertTrue(e.getMessage().contains("added_tokens"), e.getMessage());
        }
    }

    @Test
    void vocabIdsOutsideTheLimitsAreTyped() {
        String json = tinyJson();
        for (String id : new String[] {"2147483647", "2e9", "4194304"}) {
            String bad = json.replaceFirst("\"vocab\"\\s*:\\s*\\{", "\"vocab\": {\"zzzhostile\": " + id + ", ");
            TokenizerException e = assertThrows(TokenizerException.class, () -> load(bad));
            assertTrue(e.getMessage().contains("model.vocab"), e.getMessage());
        }
    }

    @Test
    void nullOrNonObjectFilesAreTyped() {
        for (String doc : new String[] {"null", "[]", "3", ""}) {
            assertThrows(TokenizerException.class, () -> load(doc));
        }
    }

    @Test
    void aFifoOrDeviceIsRefusedAsATokenizerFile(@TempDir Path dir) throws Exception {
        Path dev = Path.of("/dev/zero");
        if (Files.exists(dev)) {
            Files.createSymbolicLink(dir.resolve("tokenizer.json"), dev);
            assertThrows(TokenizerException.class, () -> new HfTokenizerProvider().load(dir));
        }
    }

    @Test
    void catastrophicRegexesEndInATypedError() {
        String a = "a".repeat(100_000);
        for (String re : new String[] {"(a|b)*", "(?<=a+)b", "(a+)+b", "(a|aa)+c"}) {
            PreTokenizer p = PreTokenizer.regex(java.util.regex.Pattern.compile(re), false);
            assertThrows(TokenizerException.class, () -> p.split(a, new Spans()), re);
        }
        PreTokenizer fine = PreTokenizer.regex(java.util.regex.Pattern.compile("a+"), false);
        Spans spans = new Spans();
        fine.split(a + "b", spans);
        assertEquals(2, spans.count());
    }

    @Test
    void nfcMatchesTheJdkOnLongMarkRuns() {
        SplittableRandom r = new SplittableRandom(15);
        int[] pool = {0x300, 0x316, 0x301, 0x327, 0x345, 0x334, 0x5B0, 0x1161, 0x11A8, 0x1100, 'e', 'a', 'A', 0x3099, 0x304B, 0xAC00, 0x0BBE, 0x0BC6};
        for (int iter = 0; iter < 200; iter++) {
            StringBuilder sb = new StringBuilder();
            int len = 1 + r.nextInt(400);
            boolean markHeavy = r.nextBoolean();
            for (int i = 0; i < len; i++) {
                int cp = markHeavy && r.nextInt(10) > 0 ? pool[r.nextInt(5)] : pool[r.nextInt(pool.length)];
                sb.appendCodePoint(cp);
            }
            String s = sb.toString();
            assertEquals(Normalizer.normalize(s, Normalizer.Form.NFC), Nfc.normalize(s), "case " + iter);
        }
    }

    @Test
    void nfcOfAHugeAlternatingMarkRunIsCorrect() {
        String run = "e" + "\u0300\u0316".repeat(40_000);
        // canonical order puts every U+0316 (class 220) first; the first U+0300 (230) is then unblocked and composes with e
        assertEquals("\u00E8" + "\u0316".repeat(40_000) + "\u0300".repeat(39_999), Nfc.normalize(run));
    }
}
