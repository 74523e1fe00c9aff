package dev.dream4j.server;

import dev.dream4j.Dream4j;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.demo.DemoModel;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The demo model (opened once per test JVM) and a small HTTP client. */
final class TestSupport {
    private static DiffusionLM model;

    private TestSupport() {
    }

    static synchronized DiffusionLM model() {
        if (model == null) {
            model = Dream4j.builder().model(DemoModel.directory()).backend("java-cpu").threads(2).build();
            Runtime.getRuntime().addShutdownHook(new Thread(model::close));
        }
        return model;
    }

    /** A server on a free loopback port. */
    static Dream4jServer start(ServerConfig config) {
        return Dream4jServer.start(model(), config);
    }

    static ServerConfig config() {
        return ServerConfig.defaults("tiny-dream-code").withPort(0).withConcurrency(2, 16);
    }

    record Http(HttpClient client, String base) {
        Http(String base) {
            this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build(), base);
        }

        HttpResponse<String> get(String path) throws IOException, InterruptedException {
            return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
            return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(String path, JsonObject body) throws IOException, InterruptedException {
            return post(path, body.encode());
        }

        /** The {@code data:} payloads of an SSE response, in order. */
        static List<String> events(HttpResponse<String> r) {
            return r.body().lines().filter(l -> l.startsWith("data: ")).map(l -> l.substring(6)).toList();
        }
    }
}
