package dev.dream4j.server;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bounded load test over loopback: {@code dream4j.server.loadRequests} (200) completions from 8 concurrent
 * clients against 2 generations in flight and a queue of 4, so some requests are refused with the designed 429 and
 * retried. Reports throughput and p50/p99 latency of the served requests to stdout and target/load-test.txt.
 */
class ServerLoadTest {
    private static final Logger LOG = LoggerFactory.getLogger(ServerLoadTest.class);

    @Test
    void twoHundredRequestsEightConcurrent() throws Exception {
        int requests = Integer.getInteger("dream4j.server.loadRequests", 200);
        int clients = 8;
        ServerConfig config = TestSupport.config().withConcurrency(2, 4);
        try (Dream4jServer server = TestSupport.start(config)) {
            TestSupport.Http http = new TestSupport.Http(server.url());
            // Warm-up (JIT), not measured.
            for (int i = 0; i < 3; i++) {
                http.post("/v1/completions", body(i));
            }
            AtomicInteger next = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            List<String> problems = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long start = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                futures.add(pool.submit(() -> {
                    int i;
                    while ((i = next.getAndIncrement()) < requests) {
                        while (true) {
                            long t0 = System.nanoTime();
                            HttpResponse<String> r;
                            try {
                                r = http.post("/v1/completions", body(i));
                            } catch (Exception e) {
                                errors.incrementAndGet();
                                problems.add(e.toString());
                                break;
                            }
                            if (r.statusCode() == 429) {
                                rejected.incrementAndGet();
                                Thread.sleep(25);
                                continue;
                            }
                            if (r.statusCode() != 200 || new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getString("text") == null) {
                                errors.incrementAndGet();
                                problems.add(r.statusCode() + " " + r.body());
                            } else {
                                latencies.add(System.nanoTime() - t0);
                            }
                            break;
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            String report = String.format(Locale.ROOT,
                    "load test: %d requests (max_tokens 16, steps 16), %d concurrent clients, server %d in flight / queue %d%n"
                            + "  served %d in %.2f s = %.1f req/s; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms%n"
                            + "  429 (designed, retried after 25 ms): %d; other errors: %d%n",
                    requests, clients, config.maxInFlight(), config.maxQueue(), sorted.size(), seconds, sorted.size() / seconds,
                    pct(sorted, 0.50), pct(sorted, 0.99), sorted.isEmpty() ? 0 : sorted.getLast() / 1e6, rejected.get(), errors.get());
            System.out.print(report);
            LOG.info("{}", report);
            Path dir = Path.of(System.getProperty("dream4j.server.reportDir", "target"));
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("load-test.txt"), report);
            assertEquals(0, errors.get(), () -> "errors: " + problems.subList(0, Math.min(5, problems.size())));
            assertEquals(requests, sorted.size());
            String metrics = http.get("/metrics").body();
            assertTrue(metrics.contains("dream4j_rejected_total " + rejected.get()), metrics);
        }
    }

    private static JsonObject body(int i) {
        return new JsonObject().put("prompt", "def f" + (i % 10) + "(x):").put("max_tokens", 16).put("steps", 16).put("seed", i);
    }

    private static double pct(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return 0;
        }
        int idx = (int) Math.ceil(q * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx))) / 1e6;
    }
}
