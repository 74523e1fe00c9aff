package dev.dream4j.fuzz;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.api.TokenizerException;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.tokenizer.hf.JinjaTemplate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** Inputs the fuzzer found failing untyped on the code before issue 15; each must now fail typed. */
class FuzzRegressionTest {

    private static final List<dev.dream4j.api.ChatMessage> MESSAGES = List.of(dev.dream4j.api.ChatMessage.user("hi"));

    @ParameterizedTest
    @ValueSource(strings = {
            "{{ (messages[0].content ~ 'x')[1:\"1.5\"] }}", // ClassCastException: String -> Long
            "{{ (messages[0].content ~ 'x')[1:[]] }}", // ClassCastException: ArrayList -> Long
            "{{ (messages[0].content ~ 'x')[1:false] }}", // ClassCastException: Boolean -> Long
            "{{ (messages[0].content ~ 'x')[1:messages] }}",
            "{{ 86398950107574925754 }}", // NumberFormatException
            "{% for a, b in [(1, 2)] %}{{ a * 18446744073709551616 % 7 }}{% endfor %}",
            "{{ messages -54636617618042412846243[1:3] }}",
            "{{ (messages[0].content ~ 'x')[1:\"\\u\"] }}", // StringIndexOutOfBounds in the \\u escape
            "{{ (messages[0].content ~ 'x')[1:\"\\uZZZZ\"] }}" // NumberFormatException under radix 16
    })
    void templatesFromTheFuzzerFailTyped(String source) {
        assertThrows(JinjaTemplate.TemplateException.class,
                () -> new JinjaTemplate(source, Map.of()).render(MESSAGES, true));
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
    void tokenizerErrorsAreTokenizerExceptions() {
        assertThrows(TokenizerException.class, () -> dev.dream4j.tokenizer.hf.HfTokenizerProvider.load(
                new java.io.ByteArrayInputStream("null".getBytes(StandardCharsets.UTF_8)), null));
    }
}
