package dev.dream4j.conformance;

import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.TokenizerException;
import dev.dream4j.tokenizer.ChatTemplate;
import dev.dream4j.tokenizer.StreamingDecoder;
import dev.dream4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tokenizer conformance suite (rules T1-T10, see conformance-tests/RULES.md). A tokenizer plug-in's
 * tests extend this class and supply {@link #createTokenizer()}.
 */
public abstract class TokenizerConformance {

    /** The tokenizer under test; called once per test. */
    protected abstract Tokenizer createTokenizer();

    /** Texts the rules use; override to add texts typical for the vocabulary. All are NFC. */
    protected List<String> sampleTexts() {
        return List.of(
                "Hello, world!",
                "def add(a, b):\n    return a + b\n",
                "public static void main(String[] args) {\r\n\tSystem.exit(0);\r\n}\r\n",
                "trailing spaces   \n\n\n   and leading",
                "I'LL say it's 42, they're 3.14159",
                "Unicode: café, naïve, Straße, 中文, 日本語, 한국어, Ελληνικά, עברית",
                "emoji: 😀 👩‍💻 👨‍👩‍👧‍👦 🇩🇪 👍🏽",
                "spaces\u00A0and\u3000ideographic\u2028separators",
                "");
    }

    private Tokenizer tokenizer;

    @BeforeEach
    final void setUpTokenizer() {
        tokenizer = createTokenizer();
    }

    /** The tokenizer of the current test. */
    protected final Tokenizer tokenizer() {
        return tokenizer;
    }

    private List<Integer> specialIds() {
        List<Integer> out = new ArrayList<>();
        for (int id = 0; id < tokenizer.vocabSize(); id++) {
            if (tokenizer.isSpecial(id)) {
                out.add(id);
            }
        }
        return out;
    }

    @Test
    public void rule_T1_roundTripPlainText() {
        for (String text : sampleTexts()) {
            String nfc = Normalizer.normalize(text, Normalizer.Form.NFC);
            assertEquals(nfc, tokenizer.decode(tokenizer.encode(text, false), false), "round trip of " + text);
            assertEquals(nfc, tokenizer.decode(tokenizer.encode(text, true), true),
                    "round trip with special tokens added and skipped, of " + text);
        }
    }

    @Test
    public void rule_T2_specialTokensAreSingleIds() {
        List<Integer> specials = specialIds();
        Assumptions.assumeFalse(specials.isEmpty(), "the tokenizer has no special tokens");
        for (int id : specials) {
            String s = tokenizer.token(id).orElseThrow(() -> new AssertionError("special id " + id + " has no token"));
            assertArrayEquals(new int[] {id}, tokenizer.encode(s, false), "special token " + s);
            int[] glued = tokenizer.encode("ab" + s + "cd", false);
            assertTrue(Arrays.stream(glued).anyMatch(x -> x == id), s + " glued to text is not a single id");
            assertEquals("abcd", tokenizer.decode(glued, true), "skipSpecialTokens drops " + s);
            assertEquals("ab" + s + "cd", tokenizer.decode(glued, false));
        }
    }

    @Test
    public void rule_T3_streamingDecodeEqualsDecode() {
        List<Integer> specials = specialIds();
        for (String text : sampleTexts()) {
            String withSpecial = specials.isEmpty() ? text : text + tokenizer.token(specials.get(0)).orElseThrow() + text;
            int[] ids = tokenizer.encode(withSpecial, false);
            for (boolean skip : new boolean[] {false, true}) {
                String whole = tokenizer.decode(ids, skip);
                StreamingDecoder d = tokenizer.streamingDecoder(skip);
                StringBuilder sb = new StringBuilder();
                for (int id : ids) {
                    String piece = d.push(id);
                    if (!whole.contains("\uFFFD")) {
                        assertFalse(piece.contains("\uFFFD"), "half a UTF-8 sequence was emitted for " + text);
                    }
                    sb.append(piece);
                }
                sb.append(d.finish());
                assertEquals(whole, sb.toString(), "streamed decode of " + text);
            }
        }
    }

    @Test
    public void rule_T4_unknownIdIsTypedError() {
        int n = tokenizer.vocabSize();
        for (int bad : new int[] {n, n + 1000, -1, Integer.MAX_VALUE}) {
            TokenizerException e = assertThrows(TokenizerException.class, () -> tokenizer.decode(new int[] {bad}, false));
            assertTrue(e.getMessage() != null && e.getMessage().contains(String.valueOf(bad)),
                    "the message names the id " + bad + ": " + e.getMessage());
            assertThrows(TokenizerException.class, () -> tokenizer.streamingDecoder(false).push(bad));
        }
    }

    @Test
    public void rule_T5_tokenAndTokenIdAgree() {
        int n = tokenizer.vocabSize();
        int step = Math.max(1, n / 2000);
        for (int id = 0; id < n; id += step) {
            Optional<String> t = tokenizer.token(id);
            if (t.isPresent()) {
                assertEquals(id, tokenizer.tokenId(t.get()).orElseThrow(), "tokenId(token(" + id + "))");
            }
        }
        assertTrue(tokenizer.token(n).isEmpty());
        assertTrue(tokenizer.token(-1).isEmpty());
        assertTrue(tokenizer.tokenId("\u0000surely-not-a-token\u0000").isEmpty());
    }

    @Test
    public void rule_T6_encodeIsDeterministicAndThreadSafe() throws Exception {
        List<String> texts = sampleTexts();
        List<int[]> expected = texts.stream().map(t -> tokenizer.encode(t, false)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                futures.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int i = 0; i < texts.size(); i++) {
                            if (!Arrays.equals(expected.get(i), tokenizer.encode(texts.get(i), false))) {
                                fail("concurrent encode differs for " + texts.get(i));
                            }
                        }
                    }
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void rule_T7_emptyInputIsEmptyOutput() {
        assertEquals(0, tokenizer.encode("", false).length);
        assertEquals("", tokenizer.decode(new int[0], false));
        assertEquals("", tokenizer.streamingDecoder(false).finish());
    }

    @Test
    public void rule_T8_addSpecialTokensOnlyAddsAroundTheText() {
        for (String text : sampleTexts()) {
            int[] plain = tokenizer.encode(text, false);
            int[] with = tokenizer.encode(text, true);
            boolean found = false;
            for (int start = 0; start + plain.length <= with.length && !found; start++) {
                found = Arrays.equals(plain, Arrays.copyOfRange(with, start, start + plain.length));
            }
            assertTrue(found, "encode(text, true) contains encode(text, false) for " + text);
            for (int i = 0; i < with.length - plain.length; i++) {
                // whatever is added is special or at least known
                int id = i < with.length ? with[i] : 0;
                assertTrue(tokenizer.token(id).isPresent());
            }
        }
    }

    @Test
    public void rule_T9_chatTemplateAddsTheGenerationPrompt() {
        Optional<ChatTemplate> t = tokenizer.chatTemplate();
        Assumptions.assumeTrue(t.isPresent(), "no chat template");
        List<ChatMessage> msgs = List.of(ChatMessage.user("What is 2+2?"));
        String without = t.get().render(msgs, false);
        String with = t.get().render(msgs, true);
        assertTrue(without.contains("What is 2+2?"), without);
        assertTrue(with.startsWith(without) && with.length() > without.length(),
                "the generation prompt is appended: " + with);
        assertEquals(with, tokenizer.applyChatTemplate(msgs));
    }

    @Test
    public void rule_T10_idsAreInsideTheVocabulary() {
        int n = tokenizer.vocabSize();
        assertTrue(n > 0);
        for (String text : sampleTexts()) {
            for (int id : tokenizer.encode(text, true)) {
                assertTrue(id >= 0 && id < n, "id " + id + " outside [0, " + n + ")");
                assertTrue(tokenizer.token(id).isPresent(), "id " + id + " has a token");
            }
        }
    }
}
