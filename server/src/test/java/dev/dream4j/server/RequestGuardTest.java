package dev.dream4j.server;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static dev.dream4j.server.ServerConcurrencyTest.metric;
import static dev.dream4j.server.ServerConcurrencyTest.slowDenoise;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Web pages must not drive a local server: JSON only, Host and Origin checked; a departed client frees its slot. */
class RequestGuardTest {

    private static final RequestGuard LOOPBACK = RequestGuard.of("127.0.0.1", List.of("my-box.lan"));

    @Test
    void postsMustBeJson() {
        assertNotNull(LOOPBACK.problem(HttpMethod.POST, "127.0.0.1:8080", null, "text/plain"));
        assertNotNull(LOOPBACK.problem(HttpMethod.POST, "127.0.0.1:8080", null, null));
        assertNotNull(LOOPBACK.problem(HttpMethod.POST, "127.0.0.1:8080", null, "application/x-www-form-urlencoded"));
        assertNull(LOOPBACK.problem(HttpMethod.POST, "127.0.0.1:8080", null, "application/json; charset=utf-8"));
        assertNull(LOOPBACK.problem(HttpMethod.GET, "127.0.0.1:8080", null, null));
    }

    @Test
    void hostAndOriginMustNameThisServer() {
        for (String host : new String[] {"127.0.0.1:8080", "localhost:8080", "LOCALHOST", "[::1]:8080", "my-box.lan:8080", "10.0.0.2"}) {
            assertNull(LOOPBACK.problem(HttpMethod.GET, host, null, null), host);
        }
        for (String host : new String[] {"evil.example:8080", "127.0.0.1.evil.example", "", "localhost.evil.example"}) {
            assertNotNull(LOOPBACK.problem(HttpMethod.GET, host, null, null), host);
        }
        assertNotNull(LOOPBACK.problem(HttpMethod.GET, null, null, null));
        assertNull(LOOPBACK.problem(HttpMethod.POST, "127.0.0.1:8080", "http://127.0.0.1:8080", "application/json"));
        assertNotNull(LOOPBACK.problem(HttpMethod.POST, "127.0.0.1:8080", "https://evil.example", "application/json"));
        assertNotNull(LOOPBACK.problem(HttpMethod.POST, "127.0.0.1:8080", "null", "application/json"));
        RequestGuard open = RequestGuard.of("0.0.0.0", List.of("*"));
        assertNull(open.problem(HttpMethod.POST, "anything.example", "https://anything.example", "application/json"));
        assertNotNull(open.problem(HttpMethod.POST, "anything.example", null, "text/plain"), "JSON is required even then");
    }

    @Test
    void theServerAnswers415And403InJson() throws Exception {
        try (Dream4jServer server = TestSupport.start(TestSupport.config())) {
            TestSupport.Http http = new TestSupport.Http(server.url());
            String body = new JsonObject().put("prompt", "x").put("max_tokens", 2).put("steps", 2).encode();
            HttpResponse<String> plain = http.client().send(HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/completions"))
                    .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(415, plain.statusCode(), plain.body());
            assertEquals("unsupported_media_type", new JsonObject(plain.body()).getJsonObject("error").getString("code"));
            HttpResponse<String> crossOrigin = http.client().send(HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/completions"))
                    .header("Content-Type", "application/json").header("Origin", "https://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(403, crossOrigin.statusCode(), crossOrigin.body());
            String rebound = raw(server.port(), "GET /v1/models HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
            assertTrue(rebound.startsWith("HTTP/1.1 403"), rebound);
            assertEquals(200, http.post("/v1/completions", body).statusCode());
        }
    }

    /** An HTTP/2 client (the JDK's, upgrading with h2c) names the server in :authority, not in a Host header. */
    @Test
    void http2ClientsAreAdmittedByTheirAuthority() throws Exception {
        try (Dream4jServer server = TestSupport.start(TestSupport.config());
             java.net.http.HttpClient h2 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build()) {
            String body = new JsonObject().put("prompt", "x").put("max_tokens", 2).put("steps", 2).encode();
            for (int i = 0; i < 2; i++) { // the first request upgrades the connection, the second runs on HTTP/2
                HttpResponse<String> r = h2.send(HttpRequest.newBuilder(java.net.URI.create(server.url() + "/v1/completions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                if (i == 1) {
                    assertEquals(java.net.http.HttpClient.Version.HTTP_2, r.version(), "the connection was upgraded");
                }
            }
        }
    }

    @Test
    void aQueuedRequestWhoseClientLeftFreesItsSlot() throws Exception {
        try (Dream4jServer server = TestSupport.start(TestSupport.config().withConcurrency(1, 1))) {
            TestSupport.Http http = new TestSupport.Http(server.url());
            try (ServerConcurrencyTest.RawStream running = new ServerConcurrencyTest.RawStream(server.port(), slowDenoise(100))) {
                running.awaitEvents("denoise.step", 1);
                try (ServerConcurrencyTest.RawStream queued = new ServerConcurrencyTest.RawStream(server.port(), slowDenoise(100))) {
                    awaitQueue(http, 1);
                }
                awaitQueue(http, 0); // before the fix the slot stayed taken until the running request ended
                try (ServerConcurrencyTest.RawStream next = new ServerConcurrencyTest.RawStream(server.port(), slowDenoise(1))) {
                    awaitQueue(http, 1); // admitted into the freed slot, not refused with 429
                }
            }
        }
    }

    private static void awaitQueue(TestSupport.Http http, double length) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (metric(http, "dream4j_queue_length") != length) {
            assertTrue(System.nanoTime() < deadline, "queue length did not become " + length);
            Thread.sleep(10);
        }
    }

    private static String raw(int port, String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
