package dev.dream4j.server;

import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.ChatMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every endpoint over real HTTP against the demo model. */
class ServerEndpointsTest {
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

    private static JsonObject completion(String prompt) {
        return new JsonObject().put("model", "tiny-dream-code").put("prompt", prompt).put("max_tokens", 32)
                .put("steps", 32).put("temperature", 0).put("seed", 7);
    }

    @Test
    void bindsLoopbackByDefault() {
        assertEquals("127.0.0.1", ServerConfig.defaults("x").host());
        assertTrue(server.url().startsWith("http://127.0.0.1:"));
    }

    @Test
    void health() throws Exception {
        HttpResponse<String> r = http.get("/health");
        assertEquals(200, r.statusCode());
        JsonObject o = new JsonObject(r.body());
        assertEquals("ok", o.getString("status"));
        assertEquals("tiny-dream-code", o.getString("model"));
    }

    @Test
    void models() throws Exception {
        HttpResponse<String> r = http.get("/v1/models");
        assertEquals(200, r.statusCode());
        JsonObject o = new JsonObject(r.body());
        assertEquals("list", o.getString("object"));
        JsonObject m = o.getJsonArray("data").getJsonObject(0);
        assertEquals("tiny-dream-code", m.getString("id"));
        assertEquals("model", m.getString("object"));
        assertEquals(TestSupport.model().info().specialTokens().get("mask"),
                m.getJsonObject("dream4j").getJsonObject("special_tokens").getInteger("mask"));
    }

    @Test
    void completionMatchesTheLibrary() throws Exception {
        HttpResponse<String> r = http.post("/v1/completions", completion("def add(a, b):"));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        JsonObject o = new JsonObject(r.body());
        assertEquals("text_completion", o.getString("object"));
        assertEquals("tiny-dream-code", o.getString("model"));
        JsonObject choice = o.getJsonArray("choices").getJsonObject(0);
        String expected = TestSupport.model().generate(GenerationRequest.builder().prompt("def add(a, b):")
                .maxNewTokens(32).steps(32).temperature(0).seed(7).build()).text();
        assertEquals(expected, choice.getString("text"));
        assertTrue(List.of("stop", "length").contains(choice.getString("finish_reason")));
        JsonObject usage = o.getJsonObject("usage");
        assertEquals(TestSupport.model().encode("def add(a, b):").size(), usage.getInteger("prompt_tokens"));
        assertEquals(usage.getInteger("prompt_tokens") + usage.getInteger("completion_tokens"), usage.getInteger("total_tokens"));
        JsonObject extra = o.getJsonObject("dream4j");
        assertEquals(32, extra.getInteger("total_steps"));
        assertTrue(extra.getInteger("steps") <= 32);
        assertEquals(7L, extra.getLong("seed"));
        if (!extra.getBoolean("stopped_early")) {
            assertEquals(32, extra.getInteger("steps"));
        }
    }

    @Test
    void fastDecodingFieldsReachTheEngine() throws Exception {
        String body = "{\"prompt\":\"def add(a, b):\",\"max_tokens\":32,\"temperature\":0,\"seed\":3,"
                + "\"sampler\":\"fast-dllm-threshold\",\"block_length\":16,\"cache\":\"dual\",\"threshold\":0.5,\"early_stop\":false}";
        HttpResponse<String> r = http.post("/v1/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        String text = new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getString("text");
        String expected = TestSupport.model().generate(GenerationRequest.builder().prompt("def add(a, b):")
                .maxNewTokens(32).temperature(0).seed(3).sampler("fast-dllm-threshold").blockLength(16)
                .cache(dev.dream4j.api.CacheMode.DUAL).threshold(0.5).earlyStop(false).build()).text();
        assertEquals(expected, text);
    }

    @Test
    void completionWithSeveralPromptsAndN() throws Exception {
        JsonObject body = completion("x").put("prompt", new JsonArray().add("def f(x):").add("import os")).put("n", 2);
        HttpResponse<String> r = http.post("/v1/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonArray choices = new JsonObject(r.body()).getJsonArray("choices");
        assertEquals(4, choices.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(i, choices.getJsonObject(i).getInteger("index"));
        }
    }

    @Test
    void completionStreamSendsSettledPrefixesThatAddUpToTheText() throws Exception {
        String full = new JsonObject(http.post("/v1/completions", completion("def fib(n):")).body())
                .getJsonArray("choices").getJsonObject(0).getString("text");
        HttpResponse<String> r = http.post("/v1/completions", completion("def fib(n):").put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true)));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        List<String> events = TestSupport.Http.events(r);
        assertEquals("[DONE]", events.getLast());
        StringBuilder text = new StringBuilder();
        String finish = null;
        boolean usage = false;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonObject chunk = new JsonObject(e);
            assertEquals("text_completion", chunk.getString("object"));
            if (chunk.containsKey("usage")) {
                usage = true;
                continue;
            }
            JsonObject c = chunk.getJsonArray("choices").getJsonObject(0);
            assertNull(finish, "no chunk after the final one");
            text.append(c.getString("text"));
            finish = c.getString("finish_reason");
        }
        assertEquals(full, text.toString());
        assertNotNull(finish);
        assertTrue(usage);
        assertTrue(events.size() >= 3, "settled text arrives in more than one chunk: " + events.size());
    }

    @Test
    void chatCompletion() throws Exception {
        JsonObject body = new JsonObject().put("messages", new JsonArray()
                        .add(new JsonObject().put("role", "user").put("content", "Write a function that adds two numbers.")))
                .put("max_tokens", 24).put("steps", 24).put("seed", 3);
        HttpResponse<String> r = http.post("/v1/chat/completions", body);
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = new JsonObject(r.body());
        assertEquals("chat.completion", o.getString("object"));
        JsonObject msg = o.getJsonArray("choices").getJsonObject(0).getJsonObject("message");
        assertEquals("assistant", msg.getString("role"));
        String expected = TestSupport.model().generate(GenerationRequest.builder()
                .chat(List.of(ChatMessage.user("Write a function that adds two numbers."))).maxNewTokens(24).steps(24).seed(3).build()).text();
        assertEquals(expected, msg.getString("content"));

        HttpResponse<String> s = http.post("/v1/chat/completions", body.copy().put("stream", true));
        List<String> events = TestSupport.Http.events(s);
        assertEquals("[DONE]", events.getLast());
        JsonObject first = new JsonObject(events.getFirst());
        assertEquals("chat.completion.chunk", first.getString("object"));
        assertEquals("assistant", first.getJsonArray("choices").getJsonObject(0).getJsonObject("delta").getString("role"));
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(1, events.size() - 1)) {
            JsonObject delta = new JsonObject(e).getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
            text.append(delta.getString("content", ""));
        }
        assertEquals(expected, text.toString());
    }

    @Test
    void stopStringsCutTheText() throws Exception {
        String full = new JsonObject(http.post("/v1/completions", completion("def fib(n):")).body())
                .getJsonArray("choices").getJsonObject(0).getString("text");
        if (full.length() < 4) {
            return;
        }
        String stop = full.substring(2, 4);
        JsonObject o = new JsonObject(http.post("/v1/completions", completion("def fib(n):").put("stop", stop)).body());
        JsonObject c = o.getJsonArray("choices").getJsonObject(0);
        assertEquals(full.substring(0, full.indexOf(stop)), c.getString("text"));
        assertEquals("stop", c.getString("finish_reason"));
        List<String> events = TestSupport.Http.events(http.post("/v1/completions", completion("def fib(n):").put("stop", stop).put("stream", true)));
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            text.append(new JsonObject(e).getJsonArray("choices").getJsonObject(0).getString("text"));
        }
        assertEquals(c.getString("text"), text.toString());
    }

    @Test
    void loopStopsOnceEveryTextIsFinal() throws Exception {
        // A stop string that settles early ends the loop early, with the same text as a full run.
        JsonObject body = completion("def fib(n):").put("max_tokens", 64).put("steps", 64);
        JsonObject full = new JsonObject(http.post("/v1/completions", body).body());
        String text = full.getJsonArray("choices").getJsonObject(0).getString("text");
        assertTrue(text.length() >= 2, text);
        String stop = text.substring(0, 2);
        for (boolean stream : new boolean[]{false, true}) {
            HttpResponse<String> r = http.post("/v1/completions", body.copy().put("stop", stop).put("stream", stream));
            assertEquals(200, r.statusCode(), r.body());
            List<String> events = stream ? TestSupport.Http.events(r) : List.of(r.body());
            JsonObject last = new JsonObject(events.get(events.size() - (stream ? 2 : 1)));
            JsonObject extra = last.getJsonObject("dream4j");
            System.out.println("stop " + stop.replace("\n", "\\n") + ": " + extra.encode());
            assertTrue(extra.getBoolean("stopped_early"), extra.encode());
            assertTrue(extra.getInteger("steps") < 64, extra.encode());
            assertEquals("stop", last.getJsonArray("choices").getJsonObject(0).getString("finish_reason"));
            if (!stream) {
                assertEquals(text.substring(0, text.indexOf(stop)), last.getJsonArray("choices").getJsonObject(0).getString("text"));
            }
        }
    }

    @Test
    void denoiseStreamsEveryStepsCanvas() throws Exception {
        int steps = 16;
        HttpResponse<String> r = http.post("/v1/denoise", new JsonObject().put("prompt", "def square(x):")
                .put("max_tokens", 16).put("steps", steps).put("seed", 1));
        assertEquals(200, r.statusCode(), r.body());
        List<String> events = TestSupport.Http.events(r);
        assertEquals("[DONE]", events.getLast());
        JsonObject start = new JsonObject(events.getFirst());
        assertEquals("denoise.start", start.getString("object"));
        int mask = start.getInteger("mask_id");
        JsonObject startRow = start.getJsonArray("rows").getJsonObject(0);
        assertEquals(16, startRow.getJsonArray("tokens").size());
        assertTrue(startRow.getJsonArray("tokens").stream().allMatch(t -> t == null));
        List<JsonObject> stepEvents = new ArrayList<>();
        for (String e : events.subList(1, events.size() - 2)) {
            stepEvents.add(new JsonObject(e));
        }
        assertEquals(steps, stepEvents.size());
        int previous = Integer.MAX_VALUE;
        for (int i = 0; i < stepEvents.size(); i++) {
            JsonObject e = stepEvents.get(i);
            assertEquals("denoise.step", e.getString("object"));
            assertEquals(i, e.getInteger("step"));
            JsonObject row = e.getJsonArray("rows").getJsonObject(0);
            int masks = (int) row.getJsonArray("ids").stream().filter(id -> ((Number) id).intValue() == mask).count();
            assertEquals(e.getInteger("masks_left"), masks);
            assertTrue(masks < previous, "masks decrease every step");
            previous = masks;
            assertEquals(start.getInteger("canvas_length"), row.getJsonArray("ids").size());
            assertNotNull(row.getString("text"));
        }
        assertEquals(0, previous);
        JsonObject done = new JsonObject(events.get(events.size() - 2));
        assertEquals("denoise.done", done.getString("object"));
        assertEquals(steps, done.getInteger("steps"));
    }

    @Test
    void infill() throws Exception {
        HttpResponse<String> r = http.post("/v1/infill", new JsonObject().put("prefix", "def add(a, b):\n    ")
                .put("suffix", "\n\nprint(add(1, 2))\n").put("initial_masks", 4).put("max_tokens", 16).put("seed", 1));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject o = new JsonObject(r.body());
        assertEquals("infill", o.getString("object"));
        assertEquals(TestSupport.model().decode(o.getJsonArray("middle_ids").stream().map(i -> ((Number) i).intValue()).toList(), true),
                o.getString("middle"));
        assertTrue(o.getInteger("steps") >= 1);
        HttpResponse<String> unknown = http.post("/v1/infill", new JsonObject().put("prefix", "x").put("strategy", "no-such-strategy"));
        assertEquals(400, unknown.statusCode(), unknown.body());
        assertEquals("strategy", new JsonObject(unknown.body()).getJsonObject("error").getString("param"));
        HttpResponse<String> bad = http.post("/v1/infill", new JsonObject().put("prefix", "x").put("initial_masks", 8).put("max_tokens", 4));
        assertEquals(400, bad.statusCode());
        assertEquals("max_tokens", new JsonObject(bad.body()).getJsonObject("error").getString("param"));
    }

    @Test
    void metricsAreInPrometheusFormat() throws Exception {
        http.post("/v1/completions", completion("x = 1"));
        HttpResponse<String> r = http.get("/metrics");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String text = r.body();
        for (String name : List.of("# TYPE dream4j_requests_total counter", "dream4j_requests_total{endpoint=\"/v1/completions\",status=\"200\"}",
                "# TYPE dream4j_steps_per_second gauge", "dream4j_queue_length ", "# TYPE dream4j_step_seconds histogram",
                "dream4j_step_seconds_bucket{le=\"+Inf\"}", "dream4j_step_seconds_sum ", "dream4j_step_seconds_count ")) {
            assertTrue(text.contains(name), name + " missing from\n" + text);
        }
        for (String line : text.lines().toList()) {
            assertTrue(line.startsWith("#") || line.matches("[a-z_0-9]+(\\{[^}]*})? [-0-9.e+]+"), "bad line: " + line);
        }
    }

    @Test
    void pageIsServed() throws Exception {
        HttpResponse<String> r = http.get("/");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(r.body().contains("/v1/denoise"));
        assertFalse(r.body().isBlank());
    }
}
