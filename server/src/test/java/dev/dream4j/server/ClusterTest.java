package dev.dream4j.server;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes on loopback: this JVM and two child JVMs ({@link ClusterNodeMain}), joined over Hazelcast TCP on
 * 127.0.0.1. Requests sent to one node run on all three, with streaming back; killing a node fails the request it
 * was running with a clear error, and later requests route around it.
 */
class ClusterTest {
    static ServerConfig nodeConfig() {
        return ServerConfig.defaults("tiny-dream-code").withPort(0).withConcurrency(1, 16);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A child JVM running one node; {@link #port} once it serves. */
    private static final class Node implements AutoCloseable {
        final Process process;
        final int port;

        Node(int hzPort, List<String> members) throws Exception {
            this(hzPort, members, 0);
        }

        Node(int hzPort, List<String> members, int maxBatch) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xss8m", "-Xmx512m",
                    "-Ddream4j.node.maxBatch=" + maxBatch,
                    // the CPU backend's workers spin before parking; JVMs sharing cores may want that off (the bench)
                    "-Ddream4j.cpu.spinMicros=" + Long.getLong("dream4j.cpu.spinMicros", 2000L),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", System.getProperty("java.class.path"), ClusterNodeMain.class.getName(), Integer.toString(hzPort)));
            cmd.addAll(members);
            Path log = Files.createTempFile("dream4j-node", ".log");
            process = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                String line = reader.submit(out::readLine).get(90, TimeUnit.SECONDS);
                if (line == null || !line.startsWith("READY ")) {
                    throw new AssertionError("node did not start: " + line + "\n" + Files.readString(log));
                }
                port = Integer.parseInt(line.substring(6).trim());
            } finally {
                reader.shutdownNow();
            }
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        @Override
        public void close() throws Exception {
            if (process.isAlive()) {
                process.getOutputStream().close();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
    }

    private static JsonObject completion(int i) {
        return completion(i, 16);
    }

    private static JsonObject completion(int i, int tokens) {
        return new JsonObject().put("prompt", "def f" + i + "(x):").put("max_tokens", tokens).put("steps", tokens).put("seed", i);
    }

    /** The demo model sharing step forwards across up to {@code maxBatch} rows, as {@code serve --max-batch} opens it. */
    static dev.dream4j.api.DiffusionLM batchedModel(int maxBatch) {
        return dev.dream4j.Dream4j.builder().model(dev.dream4j.demo.DemoModel.directory()).backend("java-cpu").threads(2)
                .maxBatch(maxBatch).build();
    }

    private static void awaitNodes(TestSupport.Http http, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ServerConcurrencyTest.metric(http, "dream4j_cluster_nodes") != n) {
            assertTrue(System.nanoTime() < deadline, "the cluster did not reach " + n + " nodes: "
                    + ServerConcurrencyTest.metric(http, "dream4j_cluster_nodes"));
            Thread.sleep(100);
        }
    }

    /** {@code clients} concurrent clients, {@code each} requests apiece; requests/s, and every status code. */
    private record Load(double requestsPerSecond, List<Integer> statuses) {
    }

    private static Load load(TestSupport.Http http, int clients, int each) throws Exception {
        return load(http, clients, each, 16);
    }

    private static Load load(TestSupport.Http http, int clients, int each, int tokens) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Callable<List<Integer>>> jobs = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                jobs.add(() -> {
                    List<Integer> codes = new ArrayList<>();
                    for (int r = 0; r < each; r++) {
                        codes.add(http.post("/v1/completions", completion(client * 100 + r, tokens)).statusCode());
                    }
                    return codes;
                });
            }
            long t0 = System.nanoTime();
            List<Integer> statuses = new ArrayList<>();
            for (Future<List<Integer>> f : pool.invokeAll(jobs)) {
                statuses.addAll(f.get());
            }
            return new Load(clients * each / ((System.nanoTime() - t0) / 1e9), statuses);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The stream's last event before {@code [DONE]}: {@code denoise.done} or an error. */
    private static String lastEvent(ServerConcurrencyTest.RawStream s) throws IOException {
        String line;
        while ((line = s.in.readLine()) != null) {
            if (line.startsWith("data: ") && (line.contains("\"error\"") || line.contains("denoise.done"))) {
                return line;
            }
        }
        throw new IOException("the stream ended without denoise.done or an error");
    }

    /**
     * Opt-in ({@code -Ddream4j.server.clusterBench=true}; minutes): bench-serve's load (16 clients x 8 requests,
     * max_tokens 32, steps 32) against 1 node and then against 3 nodes (this JVM and two children), each node as
     * {@code serve} runs by default ({@code --max-batch 16}); prints requests/s and writes
     * {@code target/cluster-bench.txt}.
     */
    @Test
    void benchOneNodeAgainstThree() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("dream4j.server.clusterBench"), "opt-in benchmark");
        int clients = Integer.getInteger("dream4j.server.clusterBench.clients", 16);
        int each = Integer.getInteger("dream4j.server.clusterBench.requests", 8);
        int hz1 = freePort();
        List<String> seed = List.of("127.0.0.1:" + hz1);
        try (dev.dream4j.api.DiffusionLM model = batchedModel(16);
             Dream4jServer one = Dream4jServer.start(model, nodeConfig().withConcurrency(16, 16), RequestGuard.of("127.0.0.1", List.of()),
                     ClusterConfig.of("127.0.0.1", hz1, List.of()))) {
            TestSupport.Http http = new TestSupport.Http(one.url());
            // warm-up: every node's JIT compiled code, not its interpreter, is measured
            load(http, clients, 2, 32);
            Load alone = load(http, clients, each, 32);
            try (Node two = new Node(freePort(), seed, 16); Node three = new Node(freePort(), seed, 16)) {
                awaitNodes(http, 3);
                load(http, clients, 2, 32);
                Load shared = load(http, clients, each, 32);
                String report = String.format(Locale.ROOT, "bench-serve load (%d clients x %d requests, max_tokens 32, steps 32), --max-batch 16 per node,"
                                + " %d cores shared by all nodes, dream4j.cpu.spinMicros=" + Long.getLong("dream4j.cpu.spinMicros", 2000L) + "%n1 node: %.2f requests/s (%d non-200)%n3 nodes: %.2f requests/s (%d non-200), %.2fx%n",
                        clients, each, Runtime.getRuntime().availableProcessors(), alone.requestsPerSecond(),
                        alone.statuses().stream().filter(st -> st != 200).count(), shared.requestsPerSecond(),
                        shared.statuses().stream().filter(st -> st != 200).count(), shared.requestsPerSecond() / alone.requestsPerSecond());
                Files.writeString(Path.of(System.getProperty("dream4j.server.reportDir", "target"), "cluster-bench.txt"), report);
                org.slf4j.LoggerFactory.getLogger(ClusterTest.class).warn("\n{}", report);
            }
        }
    }

    @Test
    void threeNodesShareTheWorkAndSurviveALostNode() throws Exception {
        int hz1 = freePort();
        int hz2 = freePort();
        int hz3 = freePort();
        List<String> seed = List.of("127.0.0.1:" + hz1);
        try (Dream4jServer one = Dream4jServer.start(TestSupport.model(), nodeConfig(), RequestGuard.of("127.0.0.1", List.of()),
                ClusterConfig.of("127.0.0.1", hz1, List.of()))) {
            TestSupport.Http http = new TestSupport.Http(one.url());
            Load alone = load(http, 6, 1);
            try (Node two = new Node(hz2, seed); Node three = new Node(hz3, seed)) {
                awaitNodes(http, 3);
                Load shared = load(http, 6, 1);
                assertTrue(shared.statuses().stream().allMatch(s -> s == 200), "statuses: " + shared.statuses());
                for (Node n : List.of(two, three)) {
                    double remote = ServerConcurrencyTest.metric(new TestSupport.Http(n.url()), "dream4j_cluster_remote_total");
                    assertTrue(remote >= 1, "node on " + n.port + " ran no request for the others");
                }
                Files.writeString(Path.of(System.getProperty("dream4j.server.reportDir", "target"), "cluster-load.txt"),
                        String.format(Locale.ROOT, "cluster of 3 JVMs on one machine (%d cores), 6 clients x 1 completion (16 tokens, 16 steps), --max-in-flight 1 per node%n"
                                + "1 node: %.2f requests/s; 3 nodes: %.2f requests/s (%.2fx)%n", Runtime.getRuntime().availableProcessors(),
                                alone.requestsPerSecond(), shared.requestsPerSecond(), shared.requestsPerSecond() / alone.requestsPerSecond()));

                // A stream running on a node when it dies ends with an error naming the lost node.
                List<ServerConcurrencyTest.RawStream> streams = new ArrayList<>();
                try {
                    // one after the other, so that each sees the loads the previous ones left
                    for (int i = 0; i < 3; i++) {
                        ServerConcurrencyTest.RawStream s = new ServerConcurrencyTest.RawStream(one.port(), ServerConcurrencyTest.slowDenoise(100));
                        streams.add(s);
                        s.awaitEvents("denoise.step", 1);
                        Thread.sleep(250); // one load report
                    }
                    // the victim: a child running one of the streams (where each went depends on the loads)
                    Node victim = null;
                    for (Node n : List.of(two, three)) {
                        if (victim == null && new JsonObject(new TestSupport.Http(n.url()).get("/health").body()).getLong("in_flight") >= 1) {
                            victim = n;
                        }
                    }
                    assertTrue(victim != null, "no child node runs one of the 3 streams");
                    victim.process.destroyForcibly();
                    int lost = 0;
                    int done = 0;
                    for (ServerConcurrencyTest.RawStream s : streams) {
                        String end = lastEvent(s);
                        if (end.contains("left the cluster")) {
                            lost++;
                        } else if (end.contains("denoise.done")) {
                            done++;
                        }
                    }
                    assertTrue(lost >= 1, "no stream failed with the lost node");
                    assertEquals(3, lost + done);
                } finally {
                    for (ServerConcurrencyTest.RawStream s : streams) {
                        s.close();
                    }
                }
                awaitNodes(http, 2);
                Load after = load(http, 3, 1);
                assertTrue(after.statuses().stream().allMatch(s -> s == 200), "after the loss: " + after.statuses());
                HttpResponse<String> health = http.get("/health");
                assertEquals(2, new JsonObject(health.body()).getJsonObject("cluster").getInteger("nodes"));
            }
        }
    }
}
