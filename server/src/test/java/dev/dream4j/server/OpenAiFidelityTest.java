package dev.dream4j.server;

import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.GenerationRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The OpenAI API details a stock client relies on, over raw HTTP against the demo model. */
class OpenAiFidelityTest {
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

    private static JsonObject error(HttpResponse<String> r, int status) {
        assertEquals(status, r.statusCode(), r.body());
        return new JsonObject(r.body()).getJsonObject("error");
    }

    @Test
    void retrievesTheModelById() throws Exception {
        HttpResponse<String> r = http.get("/v1/models/tiny-dream-code");
        assertEquals(200, r.statusCode());
        JsonObject m = new JsonObject(r.body());
        assertEquals("tiny-dream-code", m.getString("id"));
        assertEquals("model", m.getString("object"));
        assertEquals(TestSupport.model().info().contextLength(), m.getJsonObject("dream4j").getInteger("context_length"));
        // Every installed sampler, for the page's list: the test class path has the fast ones of sampler-plugins.
        List<Object> samplers = m.getJsonObject("dream4j").getJsonArray("samplers").getList();
        assertTrue(samplers.containsAll(List.of("entropy", "origin", "fast-dllm-threshold", "fast-dllm-factor")), samplers.toString());
        JsonObject e = error(http.get("/v1/models/gpt-4o"), 404);
        assertEquals("model_not_found", e.getString("code"));
        assertTrue(e.getString("message").contains("gpt-4o") && e.getString("message").contains("tiny-dream-code"), e.encode());
    }

    @Test
    void tooLongRequestsAreContextLengthExceededWithTheLimits() throws Exception {
        int context = TestSupport.model().info().contextLength();
        JsonObject e = error(http.post("/v1/completions", new JsonObject().put("prompt", "def f(x):").put("max_tokens", context)), 400);
        assertEquals("context_length_exceeded", e.getString("code"));
        assertEquals("max_tokens", e.getString("param"));
        assertTrue(e.getString("message").contains(Integer.toString(context)), e.getString("message"));
        // Integer.MAX_VALUE would overflow prompt + max_tokens in int arithmetic.
        e = error(http.post("/v1/completions", new JsonObject().put("prompt", "def f(x):").put("max_tokens", Integer.MAX_VALUE)), 400);
        assertEquals("context_length_exceeded", e.getString("code"));
        assertTrue(e.getString("message").contains(Long.toString(Integer.MAX_VALUE + 4L))
                || e.getString("message").contains("for the completion"), e.getString("message"));
        // A prompt longer than the context, max_tokens left to the default.
        String longPrompt = "x = 1\n".repeat(context);
        e = error(http.post("/v1/chat/completions", new JsonObject().put("messages",
                new JsonArray().add(new JsonObject().put("role", "user").put("content", longPrompt)))), 400);
        assertEquals("context_length_exceeded", e.getString("code"));
        assertEquals("messages", e.getString("param"));
    }

    @Test
    void developerRoleIsReadAsSystem() throws Exception {
        JsonObject body = new JsonObject().put("messages", new JsonArray()
                        .add(new JsonObject().put("role", "developer").put("content", "Answer in Python."))
                        .add(new JsonObject().put("role", "user").put("content", "Add two numbers.")))
                .put("max_tokens", 16).put("steps", 16).put("seed", 5).put("temperature", 0);
        HttpResponse<String> r = http.post("/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        String text = new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
        String expected = TestSupport.model().generate(GenerationRequest.builder()
                .chat(List.of(new ChatMessage("system", "Answer in Python."), ChatMessage.user("Add two numbers.")))
                .maxNewTokens(16).steps(16).seed(5).temperature(0).build()).text();
        assertEquals(expected, text);
    }

    @Test
    void fieldsThatWouldChangeResultsAreRefused() throws Exception {
        JsonObject base = new JsonObject().put("prompt", "def f(x):").put("max_tokens", 8).put("steps", 8);
        for (var c : List.of(
                List.of("response_format", (Object) new JsonObject().put("type", "json_object")),
                List.of("logprobs", (Object) 3),
                List.of("top_logprobs", (Object) 2),
                List.of("tools", (Object) new JsonArray().add(new JsonObject().put("type", "function"))),
                List.of("tool_choice", (Object) "required"),
                List.of("logit_bias", (Object) new JsonObject().put("50256", -100)),
                List.of("frequency_penalty", (Object) 0.5))) {
            String field = (String) c.get(0);
            JsonObject e = error(http.post("/v1/completions", base.copy().put(field, c.get(1))), 400);
            assertEquals(field, e.getString("param"), e.encode());
        }
        // The values stock clients send by default are accepted.
        HttpResponse<String> ok = http.post("/v1/completions", base.copy().put("response_format", new JsonObject().put("type", "text"))
                .put("logprobs", false).put("frequency_penalty", 0).put("presence_penalty", 0).put("tool_choice", "none"));
        assertEquals(200, ok.statusCode(), ok.body());
    }

    @Test
    void withoutStepsANewTokenTakesAtMostOneStep() throws Exception {
        int checkpointSteps = TestSupport.model().prepare(dev.dream4j.api.GenerationRequest.builder().prompt("x").maxNewTokens(16).build()).steps();
        assertTrue(checkpointSteps > 16, "the demo checkpoint's default steps: " + checkpointSteps);
        JsonObject extra = new JsonObject(http.post("/v1/completions", new JsonObject().put("prompt", "def f(x):")
                .put("max_tokens", 16).put("seed", 1)).body()).getJsonObject("dream4j");
        assertEquals(16, extra.getInteger("total_steps"));
        // More tokens than the checkpoint's default steps: the default stands.
        extra = new JsonObject(http.post("/v1/completions", new JsonObject().put("prompt", "def f(x):")
                .put("max_tokens", checkpointSteps + 8).put("seed", 1)).body()).getJsonObject("dream4j");
        assertEquals(checkpointSteps, extra.getInteger("total_steps"));
    }

    @Test
    void tooManySequencesAreRefusedBeforeTokenizing() throws Exception {
        JsonArray prompts = new JsonArray();
        for (int i = 0; i < 9; i++) {
            prompts.add("p" + i);
        }
        JsonObject e = error(http.post("/v1/completions", new JsonObject().put("prompt", prompts).put("n", 2).put("max_tokens", 4)), 400);
        assertEquals("n", e.getString("param"));
    }

    @Test
    void headAndFavicon() throws Exception {
        for (String path : List.of("/", "/health", "/v1/models", "/metrics")) {
            HttpResponse<String> r = http.client().send(HttpRequest.newBuilder(URI.create(server.url() + path))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), "HEAD " + path);
            assertEquals("", r.body(), "HEAD " + path + " has no body");
        }
        HttpResponse<String> icon = http.get("/favicon.ico");
        assertEquals(200, icon.statusCode());
        assertTrue(icon.headers().firstValue("Content-Type").orElse("").startsWith("image/"));
    }

    @Test
    void clientErrorsAndProcessFiguresAreInMetrics() throws Exception {
        assertEquals(404, http.get("/no/such/endpoint").statusCode());
        http.post("/v1/completions", "{not json");
        String metrics = http.get("/metrics").body();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("dream4j_requests_total{") && l.contains("status=\"404\"")), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("dream4j_requests_total{endpoint=\"/v1/completions\",status=\"400\"}")), metrics);
        for (String name : List.of("process_cpu_seconds_total ", "jvm_memory_used_bytes{area=\"heap\"} ", "jvm_threads_live_threads ",
                "process_start_time_seconds ")) {
            assertTrue(metrics.contains("\n" + name), name + " missing");
        }
    }

    @Test
    void accessLogIsOffByDefaultAndServesWhenOn() throws Exception {
        assertEquals(false, ServerConfig.defaults("x").accessLog());
        try (Dream4jServer logged = TestSupport.start(TestSupport.config().withAccessLog(true))) {
            TestSupport.Http h = new TestSupport.Http(logged.url());
            assertEquals(200, h.get("/health").statusCode());
            assertEquals(404, h.get("/missing").statusCode());
        }
    }
}
