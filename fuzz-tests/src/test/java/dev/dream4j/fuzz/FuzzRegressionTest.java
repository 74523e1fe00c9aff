package dev.dream4j.fuzz;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.api.TokenizerException;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.demo.DemoModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Inputs the fuzzer found failing untyped on the code before issue 15; each must now fail typed. */
class FuzzRegressionTest {

    private static final List<dev.dream4j.api.ChatMessage> MESSAGES = List.of(dev.dream4j.api.ChatMessage.user("hi"));

    /**
     * A template the fuzzer found (the chat-template cases themselves are regression tests next to the template engine,
     * in tokenizer-hf's {@code FuzzFoundTemplateTest}): through a checkpoint's tokenizer_config.json it fails typed.
     */
    @Test
    void aTemplateFromTheFuzzerFailsTypedThroughTheTokenizer(@TempDir Path scratch) throws Exception {
        Targets.Tokenizers tokenizers = new Targets.Tokenizers(Targets.Tokenizers.provider("hf"), scratch);
        String json = Files.readString(DemoModel.directory().resolve("tokenizer.json"));
        // parses, then fails while rendering (it was a ClassCastException)
        String config = "{\"chat_template\": " + Targets.jsonString("{{ (messages[0].content ~ 'x')[1:false] }}") + "}";
        var tokenizer = tokenizers.load(json, config);
        assertThrows(TokenizerException.class, () -> tokenizer.applyChatTemplate(MESSAGES));
    }

    /** Templates travel as JSON strings; a lone surrogate the mutator drew must reach the engine as it is. */
    @Test
    void templateTextIsEscapedAsItIs() {
        assertEquals("\"a\\\"\\\\\\u00e9\\ud800\\u000a\"", Targets.jsonString("a\"\\\u00e9\ud800\n"));
    }

    @Test
    void aNulShardNameFailsTyped(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"a\":\"\\u0000\"}}");
        assertThrows(CheckpointException.class, () -> HfCheckpoint.open(dir).close()); // was InvalidPathException
    }

    @Test
    void aHeaderThatIsNullFailsTyped(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{}");
        byte[] h = "null".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("model.safetensors"), ByteBuffer.allocate(8 + h.length).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array());
        assertThrows(CheckpointException.class, () -> HfCheckpoint.open(dir).close()); // was NullPointerException
    }

    @Test
    void tokenizerErrorsAreTokenizerExceptions(@TempDir Path scratch) {
        Targets.Tokenizers tokenizers = new Targets.Tokenizers(Targets.Tokenizers.provider("hf"), scratch);
        assertThrows(TokenizerException.class, () -> tokenizers.load("null", "{}"));
    }
}
