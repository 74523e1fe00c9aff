package dev.dream4j.server;

import dev.dream4j.api.BackendException;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.PluginNotFoundException;
import dev.dream4j.api.TokenizerException;
import dev.dream4j.api.UnsupportedFeatureException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The typed exceptions of the kernel mapped to OpenAI-style errors. */
class ErrorsTest {

    @Test
    void kernelParameterNamesBecomeRequestFields() {
        assertEquals("max_tokens", Errors.map(new InvalidRequestException("max_new_tokens", "too long"), "prompt").param());
        assertEquals("max_tokens", Errors.map(new InvalidRequestException("max_length", "too long"), "prompt").param());
        assertEquals("n", Errors.map(new InvalidRequestException("num_return_sequences", "x"), "prompt").param());
        assertEquals("messages", Errors.map(new InvalidRequestException("prompt_ids", "x"), "messages").param());
        assertEquals("top_p", Errors.map(new CompletionException(new InvalidRequestException("top_p", "x")), "prompt").param());
    }

    @Test
    void pluginAndFeatureErrorsAre400s() {
        ApiException sampler = Errors.map(new PluginNotFoundException("sampler", "nope", List.of("entropy")), "prompt");
        assertEquals(400, sampler.status());
        assertEquals("sampler", sampler.param());
        assertEquals("strategy", Errors.map(new PluginNotFoundException("infill-strategy", "x", List.of()), "prefix").param());
        ApiException feature = Errors.map(new UnsupportedFeatureException("infill", "no strategy supports this checkpoint"), "prefix");
        assertEquals(400, feature.status());
        assertEquals("infill", feature.param());
        ApiException template = Errors.map(new TokenizerException("the tokenizer has no chat_template"), "messages");
        assertEquals(400, template.status());
        assertEquals("messages", template.param());
    }

    @Test
    void serverFaultsAre500sWithTheSameShape() {
        ApiException e = Errors.map(new BackendException("out of memory"), "prompt");
        assertEquals(500, e.status());
        JsonObject body = Errors.body(e).getJsonObject("error");
        assertEquals("server_error", body.getString("type"));
        assertNull(body.getValue("param"));
        assertEquals(true, body.containsKey("code"));
    }
}
