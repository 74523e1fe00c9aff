package dev.dream4j.server;

import dev.dream4j.api.GenerationRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JSON {@code options} object reaches the sampler's {@code SamplingParams} and is validated as on the CLI and the
 * API, with the {@code option-probe} test sampler (test {@code META-INF/services}), which commits the token its options
 * name.
 */
class PluginOptionsServerTest {
    private static Dream4jServer server;
    private static TestSupport.Http http;

    @BeforeAll
    static void start() {
        server = TestSupport.start(TestSupport.config());
        http = new TestSupport.Http(server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static JsonObject completion(JsonObject options) {
        return new JsonObject().put("prompt", "def f():").put("max_tokens", 4).put("steps", 4).put("seed", 1)
                .put("sampler", "option-probe").put("options", options);
    }

    private static String text(HttpResponse<String> r) {
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getString("text");
    }

    @Test
    void optionsReachTheSamplerAsThroughTheApi() throws Exception {
        String viaHttp = text(http.post("/v1/completions", completion(new JsonObject().put("token", 40).put("shift", true))));
        String viaApi = TestSupport.model().generate(GenerationRequest.builder().prompt("def f():").maxNewTokens(4).steps(4)
                .seed(1).sampler("option-probe").option("token", 40).option("shift", true).build()).first().text();
        assertEquals(viaApi, viaHttp);
        assertNotEquals(viaHttp, text(http.post("/v1/completions", completion(new JsonObject().put("token", 40)))),
                "shift changes the committed token");
        // chat takes them too; null is "not set"
        JsonObject chat = completion(new JsonObject().put("token", 40).put("shift", true).putNull("ratio"));
        chat.remove("prompt");
        chat.put("messages", List.of(new JsonObject().put("role", "user").put("content", "hi")));
        HttpResponse<String> c = http.post("/v1/chat/completions", chat);
        assertEquals(200, c.statusCode(), c.body());
    }

    @Test
    void badOptionsAre400sNamingTheOption() throws Exception {
        assertError(completion(new JsonObject().put("margin", 0.2)), "options.margin", "sampler 'option-probe' declares [token");
        assertError(completion(new JsonObject().put("shift", "maybe")), "options.shift", "must be a boolean, got 'maybe'");
        assertError(completion(new JsonObject().put("ratio", 2)), "options.ratio", "must be a number in [0, 1], got 2");
        assertError(completion(new JsonObject().put("token", new JsonObject())), "options.token", "a number, a boolean or a string");
        JsonObject notAnObject = completion(new JsonObject());
        notAnObject.put("options", "token=3");
        assertError(notAnObject, "options", "an object");
        JsonObject entropy = completion(new JsonObject().put("token", 3));
        entropy.put("sampler", "entropy");
        assertError(entropy, "options.token", "sampler 'entropy' declares none");
    }

    @Test
    void builtInFieldsAreCheckedByTheTableTheCliUses() throws Exception {
        // the same words as `dream4j generate --top-p 1.5` (GenerationParameter.ALL)
        assertError(completion(new JsonObject()).put("top_p", 1.5), "top_p", "top_p must be a number in (0, 1], got 1.5");
        assertError(completion(new JsonObject()).put("steps", 0), "steps", "steps must be an integer >= 1, got 0");
        assertError(completion(new JsonObject()).put("cache", "triple"), "cache", "cache must be one of [none, prefix, dual]");
        // fields the table has and this server did not read before: guidance, and top_k 0 (= no filter, as in the API)
        assertEquals(200, http.post("/v1/completions", new JsonObject().put("prompt", "x").put("max_tokens", 2).put("steps", 2)
                .put("top_k", 0).put("cfg_scale", 0.5)).statusCode());
    }

    private static void assertError(JsonObject body, String param, String message) throws Exception {
        HttpResponse<String> r = http.post("/v1/completions", body);
        assertEquals(400, r.statusCode(), r.body());
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertEquals(param, error.getString("param"), error.getString("message"));
        assertTrue(error.getString("message").contains(message), error.getString("message"));
    }
}
