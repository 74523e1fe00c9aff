package dev.dream4j.server;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is a 400 with an OpenAI-style error object naming the field, never a 500. */
class ServerErrorsTest {
    private static Dream4jServer server;
    private static TestSupport.Http http;

    @BeforeAll
    static void start() {
        server = TestSupport.start(TestSupport.config().withMaxBodyBytes(4096));
        http = new TestSupport.Http(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> badBodies() {
        String ok = "\"prompt\":\"def f():\",\"max_tokens\":8,\"steps\":8";
        return Stream.of(
                Arguments.of("/v1/completions", "{" + ok + ",\"max_tokens\":\"eight\"}", "max_tokens"),
                Arguments.of("/v1/completions", "{" + ok + ",\"max_tokens\":0}", "max_tokens"),
                Arguments.of("/v1/completions", "{" + ok + ",\"max_tokens\":8.5}", "max_tokens"),
                Arguments.of("/v1/completions", "{" + ok + ",\"max_tokens\":100000}", "max_tokens"),
                Arguments.of("/v1/completions", "{" + ok + ",\"temperature\":-1}", "temperature"),
                Arguments.of("/v1/completions", "{" + ok + ",\"temperature\":\"hot\"}", "temperature"),
                Arguments.of("/v1/completions", "{" + ok + ",\"top_p\":1.5}", "top_p"),
                Arguments.of("/v1/completions", "{" + ok + ",\"top_p\":0}", "top_p"),
                Arguments.of("/v1/completions", "{" + ok + ",\"top_k\":-1}", "top_k"),
                Arguments.of("/v1/completions", "{" + ok + ",\"cfg_scale\":-1}", "cfg_scale"),
                Arguments.of("/v1/completions", "{" + ok + ",\"seed\":\"x\"}", "seed"),
                Arguments.of("/v1/completions", "{" + ok + ",\"seed\":1e40}", "seed"),
                Arguments.of("/v1/completions", "{" + ok + ",\"n\":0}", "n"),
                Arguments.of("/v1/completions", "{" + ok + ",\"n\":1000}", "n"),
                Arguments.of("/v1/completions", "{" + ok + ",\"stream\":\"yes\"}", "stream"),
                Arguments.of("/v1/completions", "{" + ok + ",\"steps\":0}", "steps"),
                Arguments.of("/v1/completions", "{" + ok + ",\"steps\":100000000}", "steps"),
                Arguments.of("/v1/completions", "{" + ok + ",\"sampler\":\"no-such-sampler\"}", "sampler"),
                Arguments.of("/v1/completions", "{" + ok + ",\"sampler\":\"no-such-sampler\",\"stream\":true}", "sampler"),
                Arguments.of("/v1/completions", "{" + ok + ",\"sampler\":42}", "sampler"),
                Arguments.of("/v1/completions", "{" + ok + ",\"alg_temp\":-0.5}", "alg_temp"),
                Arguments.of("/v1/completions", "{" + ok + ",\"pad_penalty\":-1}", "pad_penalty"),
                Arguments.of("/v1/completions", "{" + ok + ",\"eps\":1}", "eps"),
                Arguments.of("/v1/completions", "{" + ok + ",\"stop\":7}", "stop"),
                Arguments.of("/v1/completions", "{" + ok + ",\"cache\":\"triple\"}", "cache"),
                Arguments.of("/v1/completions", "{" + ok + ",\"block_length\":0}", "block_length"),
                Arguments.of("/v1/completions", "{" + ok + ",\"threshold\":1.5}", "threshold"),
                Arguments.of("/v1/completions", "{" + ok + ",\"factor\":0}", "factor"),
                Arguments.of("/v1/completions", "{" + ok + ",\"early_stop\":\"yes\"}", "early_stop"),
                Arguments.of("/v1/completions", "{" + ok + ",\"model\":7}", "model"),
                Arguments.of("/v1/completions", "{" + ok + ",\"logprobs\":5}", "logprobs"),
                Arguments.of("/v1/completions", "{" + ok + ",\"echo\":true}", "echo"),
                Arguments.of("/v1/completions", "{" + ok + ",\"best_of\":3}", "best_of"),
                Arguments.of("/v1/completions", "{" + ok + ",\"suffix\":\"return x\"}", "suffix"),
                Arguments.of("/v1/completions", "{\"max_tokens\":8}", "prompt"),
                Arguments.of("/v1/completions", "{\"prompt\":17}", "prompt"),
                Arguments.of("/v1/completions", "{\"prompt\":[]}", "prompt"),
                Arguments.of("/v1/completions", "{\"prompt\":[1,2,99999999]}", "prompt"),
                Arguments.of("/v1/completions", "{\"prompt\":[true]}", "prompt"),
                Arguments.of("/v1/chat/completions", "{\"max_tokens\":8}", "messages"),
                Arguments.of("/v1/chat/completions", "{\"messages\":\"hi\"}", "messages"),
                Arguments.of("/v1/chat/completions", "{\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "messages"),
                Arguments.of("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages"),
                Arguments.of("/v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-3}", "max_tokens"),
                Arguments.of("/v1/denoise", "{" + ok + ",\"step_delay_ms\":99999}", "step_delay_ms"),
                Arguments.of("/v1/denoise", "{" + ok + ",\"temperature\":-2}", "temperature"),
                Arguments.of("/v1/infill", "{\"prefix\":3}", "prefix"),
                Arguments.of("/v1/infill", "{\"suffix\":\"x\",\"initial_masks\":0}", "initial_masks"),
                Arguments.of("/v1/infill", "{}", "prefix"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("badBodies")
    void badFieldIsA400NamingIt(String path, String body, String param) throws Exception {
        HttpResponse<String> r = http.post(path, body);
        assertEquals(400, r.statusCode(), r.body());
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertEquals("invalid_request_error", error.getString("type"));
        assertEquals(param, error.getString("param"), error.getString("message"));
        assertTrue(error.containsKey("code"));
        assertTrue(!error.getString("message").isBlank());
    }

    @ParameterizedTest
    @MethodSource("notJson")
    void invalidJsonIsA400(String body) throws Exception {
        for (String path : new String[]{"/v1/completions", "/v1/chat/completions", "/v1/denoise", "/v1/infill"}) {
            HttpResponse<String> r = http.post(path, body);
            assertEquals(400, r.statusCode(), path + " " + r.body());
            JsonObject error = new JsonObject(r.body()).getJsonObject("error");
            assertEquals("invalid_request_error", error.getString("type"));
            assertNull(error.getValue("param"));
        }
    }

    static Stream<String> notJson() {
        return Stream.of("", "{", "not json", "[1,2]", "\"text\"", "{\"prompt\": \"x\",}", "null");
    }

    @Test
    void bodyOverTheLimitIsA413() throws Exception {
        HttpResponse<String> r = http.post("/v1/completions", new JsonObject().put("prompt", "x".repeat(10_000)));
        assertEquals(413, r.statusCode(), r.body());
        assertEquals("invalid_request_error", new JsonObject(r.body()).getJsonObject("error").getString("type"));
    }

    @Test
    void unknownEndpointAndWrongMethod() throws Exception {
        HttpResponse<String> r = http.get("/v1/nothing");
        assertEquals(404, r.statusCode());
        assertTrue(new JsonObject(r.body()).containsKey("error"));
        HttpResponse<String> m = http.get("/v1/completions");
        assertEquals(405, m.statusCode(), m.body());
        assertTrue(new JsonObject(m.body()).containsKey("error"));
    }

    @Test
    void nullsAndUnknownFieldsAreIgnored() throws Exception {
        JsonObject body = new JsonObject().put("prompt", "x = ").put("max_tokens", 4).put("steps", 4)
                .put("temperature", null).put("stop", null).put("logprobs", null).put("user", "someone")
                .put("frequency_penalty", 0).put("messages_extra", new JsonArray());
        HttpResponse<String> r = http.post("/v1/completions", body);
        assertEquals(200, r.statusCode(), r.body());
    }
}
