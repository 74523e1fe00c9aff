package dev.dream4j.tokenizer.hf;

import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.TokenizerException;
import dev.dream4j.tokenizer.StreamingDecoder;
import dev.dream4j.tokenizer.Tokenizer;
import dev.dream4j.tokenizer.TokenizerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HfTokenizerTest {

    private static Tokenizer tiny() {
        return new HfTokenizerProvider().load(Fixtures.tinyDir());
    }

    @Test
    void providerIsFoundThroughServiceLoaderAndChecksTheDirectory(@TempDir Path empty) {
        TokenizerProvider p = ServiceLoader.load(TokenizerProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(x -> x.name().equals("hf")).findFirst().orElseThrow();
        assertTrue(p.supports(Fixtures.tinyDir()));
        assertFalse(p.supports(empty));
    }

    @Test
    void demoTokenizerRoundTripsAndKnowsItsSpecialTokens() {
        Tokenizer t = tiny();
        assertEquals(2048, t.vocabSize());
        String text = "def main():\n    print('hello, world')\r\n\treturn 42  \n\n\n";
        int[] ids = t.encode(text, false);
        assertEquals(text, t.decode(ids, false));
        assertArrayEquals(ids, t.encode(text, true), "add_bos_token is false");
        int imStart = t.tokenId("<|im_start|>").orElseThrow();
        assertEquals(2042, imStart);
        assertTrue(t.isSpecial(imStart));
        assertArrayEquals(new int[] {2042}, t.encode("<|im_start|>", false));
        int[] glued = t.encode("x<|im_end|>y", false);
        assertEquals(2043, glued[1]);
        assertEquals("xy", t.decode(glued, true));
        assertEquals("x<|im_end|>y", t.decode(glued, false));
    }

    @Test
    void bosIsAddedOnlyWhenTheConfigAsksForIt(@TempDir Path dir) throws Exception {
        Files.copy(Fixtures.tinyDir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        String cfg = Files.readString(Fixtures.tinyDir().resolve("tokenizer_config.json"))
                .replace("\"add_bos_token\": false", "\"add_bos_token\": true");
        Files.writeString(dir.resolve("tokenizer_config.json"), cfg);
        Tokenizer t = new HfTokenizerProvider().load(dir);
        int[] with = t.encode("abc", true);
        assertEquals(2044, with[0]);
        assertEquals(t.encode("abc", false).length + 1, with.length);
    }

    @Test
    void streamingDecodeEqualsDecodeIncludingSplitEmoji() {
        Tokenizer t = tiny(); // a tiny vocabulary: emoji and CJK become several byte-level tokens
        String text = "héllo 👩‍💻 世界 e\u0301 <|im_end|> 🇩🇪!";
        int[] ids = t.encode(text, false);
        for (boolean skip : new boolean[] {false, true}) {
            StreamingDecoder d = t.streamingDecoder(skip);
            StringBuilder sb = new StringBuilder();
            for (int id : ids) {
                String piece = d.push(id);
                assertFalse(piece.contains("\uFFFD"), "a broken UTF-8 sequence was emitted: " + piece);
                sb.append(piece);
            }
            sb.append(d.finish());
            assertEquals(t.decode(ids, skip), sb.toString());
        }
        // an incomplete sequence at the end becomes U+FFFD, as decode does
        int[] partial = java.util.Arrays.copyOf(ids, 0);
        for (int n = 1; n <= ids.length; n++) {
            partial = java.util.Arrays.copyOf(ids, n);
            StreamingDecoder d = t.streamingDecoder(false);
            StringBuilder sb = new StringBuilder();
            for (int id : partial) {
                sb.append(d.push(id));
            }
            sb.append(d.finish());
            assertEquals(t.decode(partial, false), sb.toString());
        }
    }

    @Test
    void decodeOfAnUnknownIdNamesTheId() {
        Tokenizer t = tiny();
        TokenizerException e = assertThrows(TokenizerException.class, () -> t.decode(new int[] {5, 2048}, false));
        assertTrue(e.getMessage().contains("2048"), e.getMessage());
        assertThrows(TokenizerException.class, () -> t.decode(new int[] {-1}, false));
        assertThrows(TokenizerException.class, () -> t.streamingDecoder(false).push(99999));
    }

    private static TokenizerException loadError(Path dir, String tokenizerJson) throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), tokenizerJson);
        return assertThrows(TokenizerException.class, () -> new HfTokenizerProvider().load(dir));
    }

    @Test
    void malformedJsonIsATypedErrorNamingTheFile(@TempDir Path dir) throws Exception {
        TokenizerException e = loadError(dir, "{\"model\": {\"type\": \"BPE\", ");
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("malformed"), e.getMessage());
    }

    @Test
    void wordPieceIsRejectedNamingModelType(@TempDir Path dir) throws Exception {
        TokenizerException e = loadError(dir, "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {\"a\": 0}}}");
        assertTrue(e.getMessage().contains("tokenizer.json") && e.getMessage().contains("model.type")
                && e.getMessage().contains("WordPiece"), e.getMessage());
    }

    @Test
    void missingMergesAndVocabAreRejectedNamingTheField(@TempDir Path dir) throws Exception {
        TokenizerException e = loadError(dir, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}}}");
        assertTrue(e.getMessage().contains("model.merges"), e.getMessage());
        e = loadError(dir, "{\"model\": {\"type\": \"BPE\", \"merges\": []}}");
        assertTrue(e.getMessage().contains("model.vocab"), e.getMessage());
    }

    @Test
    void unsupportedNormalizerAndPreTokenizerAreRejected(@TempDir Path dir) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper om = new com.fasterxml.jackson.databind.ObjectMapper();
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) om.readTree(Fixtures.tinyDir().resolve("tokenizer.json").toFile());
        json.putObject("normalizer").put("type", "Lowercase");
        TokenizerException e = loadError(dir, om.writeValueAsString(json));
        assertTrue(e.getMessage().contains("normalizer.type"), e.getMessage());
        json.putNull("normalizer");
        json.putObject("pre_tokenizer").put("type", "Whitespace");
        e = loadError(dir, om.writeValueAsString(json));
        assertTrue(e.getMessage().contains("pre_tokenizer.type"), e.getMessage());
    }

    @Test
    void demoChatMlTemplate() {
        Tokenizer t = tiny();
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
                + "<|im_start|>assistant\n", t.applyChatTemplate(List.of(ChatMessage.user("Hi"))));
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n",
                t.chatTemplate().orElseThrow().render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), false));
    }
}
