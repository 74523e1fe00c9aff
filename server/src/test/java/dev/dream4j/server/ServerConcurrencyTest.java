package dev.dream4j.server;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bounded queue (429), cancellation when the client goes away, and request timeouts. */
class ServerConcurrencyTest {

    /** A denoise stream read over a raw socket, so that the test can drop the connection at any point. */
    static final class RawStream implements AutoCloseable {
        final Socket socket;
        final BufferedReader in;

        RawStream(int port, JsonObject body) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(30_000);
            byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/denoise HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
                    + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        }

        /** Reads until {@code count} SSE events containing {@code marker} arrived; returns the last line read. */
        String awaitEvents(String marker, int count) throws IOException {
            int seen = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ") && line.contains(marker) && ++seen == count) {
                    return line;
                }
            }
            throw new IOException("stream ended after " + seen + " '" + marker + "' event(s)");
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static JsonObject slowDenoise(int delayMs) {
        return new JsonObject().put("prompt", "def slow():").put("max_tokens", 64).put("steps", 64)
                .put("seed", 5).put("step_delay_ms", delayMs);
    }

    static double metric(TestSupport.Http http, String name) throws Exception {
        String text = http.get("/metrics").body();
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.substring(name.length() + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " missing"));
    }

    static void awaitIdle(TestSupport.Http http) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (metric(http, "dream4j_in_flight") > 0 || metric(http, "dream4j_queue_length") > 0) {
            assertTrue(System.nanoTime() < deadline, "the server did not become idle");
            Thread.sleep(20);
        }
    }

    @Test
    void clientDisconnectCancelsTheGenerationWithinAStep() throws Exception {
        try (Dream4jServer server = TestSupport.start(TestSupport.config().withConcurrency(1, 1))) {
            TestSupport.Http http = new TestSupport.Http(server.url());
            double before = metric(http, "dream4j_steps_total");
            try (RawStream s = new RawStream(server.port(), slowDenoise(60))) {
                s.awaitEvents("denoise.step", 3);
            }
            awaitIdle(http);
            double ran = metric(http, "dream4j_steps_total") - before;
            assertTrue(ran >= 3 && ran <= 5, "steps run after the disconnect: " + ran);
            assertTrue(metric(http, "dream4j_cancelled_total") >= 1);
            // The worker is free again: a new request is served at once.
            assertEquals(200, http.post("/v1/completions", new JsonObject().put("prompt", "x").put("max_tokens", 4).put("steps", 4)).statusCode());
        }
    }

    @Test
    void beyondTheQueueIsA429WithRetryAfter() throws Exception {
        try (Dream4jServer server = TestSupport.start(TestSupport.config().withConcurrency(1, 1))) {
            TestSupport.Http http = new TestSupport.Http(server.url());
            try (RawStream running = new RawStream(server.port(), slowDenoise(100))) {
                running.awaitEvents("denoise.step", 1);
                try (RawStream queued = new RawStream(server.port(), slowDenoise(100))) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    while (metric(http, "dream4j_queue_length") < 1) {
                        assertTrue(System.nanoTime() < deadline, "the second request was not queued");
                        Thread.sleep(10);
                    }
                    HttpResponse<String> ready = http.get("/health/ready");
                    assertEquals(503, ready.statusCode(), "readiness while the queue is full: " + ready.body());
                    assertEquals(200, http.get("/health/live").statusCode());
                    HttpResponse<String> r = http.post("/v1/completions", new JsonObject().put("prompt", "x").put("max_tokens", 4));
                    assertEquals(429, r.statusCode(), r.body());
                    int retry = Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow());
                    assertTrue(retry >= 1 && retry <= 60, "Retry-After " + retry);
                    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
                    assertEquals("rate_limit_exceeded", error.getString("code"));
                    assertTrue(metric(http, "dream4j_rejected_total") >= 1);
                }
            }
            awaitIdle(http);
            assertEquals(200, http.get("/health/ready").statusCode());
            String metrics = http.get("/metrics").body();
            assertTrue(metrics.contains("dream4j_requests_total{endpoint=\"/v1/completions\",status=\"429\"} 1"), metrics);
        }
    }

    @Test
    void requestsPastTheTimeoutAreAnswered() throws Exception {
        ServerConfig config = TestSupport.config().withConcurrency(1, 4).withRequestTimeout(Duration.ofMillis(1500));
        try (Dream4jServer server = TestSupport.start(config)) {
            TestSupport.Http http = new TestSupport.Http(server.url());
            // One second between steps: the running request notices its own timeout only at a step boundary (about
            // 2 s after it started), so the queued request's deadline (1.5 s after it arrived) comes first even when
            // a loaded machine delays its arrival by up to half a second.
            try (RawStream running = new RawStream(server.port(), slowDenoise(1000))) {
                running.awaitEvents("denoise.start", 1);
                long t0 = System.nanoTime();
                HttpResponse<String> queued = http.post("/v1/completions", new JsonObject().put("prompt", "x").put("max_tokens", 4));
                assertEquals(504, queued.statusCode(), queued.body());
                assertEquals("timeout", new JsonObject(queued.body()).getJsonObject("error").getString("code"));
                assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
                String error = running.awaitEvents("\"error\"", 1);
                assertTrue(error.contains("timeout"), error);
                assertEquals("data: [DONE]", nextData(running));
            }
            awaitIdle(http);
            assertTrue(metric(http, "dream4j_timeouts_total") >= 2);
        }
    }

    private static String nextData(RawStream s) throws IOException {
        String line;
        while ((line = s.in.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return line;
            }
        }
        return null;
    }

    @Test
    void generationsRunOffTheEventLoop() throws Exception {
        // While a slow generation runs, the event loop still answers health and metrics at once.
        try (Dream4jServer server = TestSupport.start(TestSupport.config().withConcurrency(1, 1))) {
            TestSupport.Http http = new TestSupport.Http(server.url());
            try (RawStream running = new RawStream(server.port(), slowDenoise(100))) {
                running.awaitEvents("denoise.step", 1);
                for (String path : List.of("/health", "/metrics", "/v1/models", "/")) {
                    long t0 = System.nanoTime();
                    assertEquals(200, http.get(path).statusCode());
                    assertTrue(System.nanoTime() - t0 < Duration.ofMillis(500).toNanos(), path + " was slow");
                }
            }
        }
    }
}
