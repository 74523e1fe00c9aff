package dev.dream4j.cli;

import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.BatchStats;
import dev.dream4j.server.Dream4jServer;
import dev.dream4j.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code dream4j bench-serve}: the HTTP server under load on loopback, once per {@code --max-batch}, with the same
 * clients and requests: requests/s and latency percentiles, so continuous batching is measured against one
 * generation at a time in the same run.
 */
@Command(name = "bench-serve", description = {
        "Load-test the HTTP server on loopback: CLIENTS concurrent clients each send REQUESTS completions one after",
        "another, once per --max-batch value (default: 1, i.e. one generation at a time, and the serve default).",
        "Prints requests/s and p50/p95/p99 latency per configuration, and the ratios to the first."})
final class BenchServeCommand implements Callable<Integer> {
    private static final List<String> PROMPTS = List.of("def quicksort(items):\n", "import os\nimport sys\n\ndef main():\n",
            "class Stack:\n    def __init__(self):\n", "def fibonacci(n):\n    \"\"\"Return the n-th Fibonacci number.\"\"\"\n",
            "for i in range(10):\n", "def read_lines(path):\n    with open(path) as f:\n", "x = [1, 2, 3]\ny = ",
            "def is_prime(n):\n");

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--clients", defaultValue = "16", paramLabel = "N", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--requests", defaultValue = "8", paramLabel = "N", description = "Requests per client (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--max-tokens", defaultValue = "32", paramLabel = "N", description = "max_tokens of each request (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--steps", defaultValue = "32", paramLabel = "N", description = "steps of each request (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--max-batch", split = ",", paramLabel = "N[,N...]",
            description = "The configurations to compare (default: 1," + ServeCommand.DEFAULT_MAX_BATCH + "); the first is the baseline.")
    List<Integer> maxBatches = new ArrayList<>(List.of(1, ServeCommand.DEFAULT_MAX_BATCH));

    @Option(names = "--max-queue", defaultValue = "16", paramLabel = "N", description = "The server's queue (default: ${DEFAULT-VALUE}, as serve).")
    int maxQueue;

    @Option(names = "--warmup", defaultValue = "4", paramLabel = "N", description = "Requests sent before measuring each configuration (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--timeout", defaultValue = "600", paramLabel = "SECONDS", description = "Longest one request may take (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    /** One configuration's figures; latencies of the successful requests, in milliseconds. */
    private record Run(int maxBatch, int inFlight, int ok, int rejected, int errors, double seconds, List<Double> latencies,
                       double rowsPerForward, String firstError) {
        double rps() {
            return ok / seconds;
        }

        double percentile(double p) {
            if (latencies.isEmpty()) {
                return Double.NaN;
            }
            List<Double> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
        }
    }

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || clients > 1024 || requests < 1 || requests > 10_000 || maxTokens < 1 || steps < 1 || warmup < 0
                || timeoutSeconds < 1 || maxQueue < 0) {
            throw new IllegalArgumentException("--clients in [1, 1024], --requests in [1, 10000], --max-tokens >= 1, --steps >= 1,"
                    + " --warmup >= 0, --timeout >= 1 and --max-queue >= 0 are required");
        }
        if (maxBatches.isEmpty() || maxBatches.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("--max-batch takes values >= 1, got " + maxBatches);
        }
        PrintWriter out = spec.commandLine().getOut();
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        out.printf(Locale.ROOT, "bench-serve: %s, %d clients x %d requests, max_tokens %d, steps %d, loopback; %d cores, load average %.2f%n",
                model.model, clients, requests, maxTokens, steps, os.getAvailableProcessors(), os.getSystemLoadAverage());
        out.printf(Locale.ROOT, "%-9s %-9s %-5s %-4s %-6s %-8s %-8s %-9s %-9s %-9s %-12s%n", "max-batch", "in-flight", "ok",
                "429", "errors", "wall_s", "req/s", "p50_ms", "p95_ms", "p99_ms", "rows/forward");
        out.flush();
        List<Run> runs = new ArrayList<>();
        for (int maxBatch : maxBatches) {
            Run r = run(maxBatch);
            runs.add(r);
            out.printf(Locale.ROOT, "%-9d %-9d %-5d %-4d %-6d %-8.2f %-8.2f %-9.0f %-9.0f %-9.0f %-12s%n", r.maxBatch(), r.inFlight(),
                    r.ok(), r.rejected(), r.errors(), r.seconds(), r.rps(), r.percentile(50), r.percentile(95), r.percentile(99),
                    Double.isNaN(r.rowsPerForward()) ? "-" : String.format(Locale.ROOT, "%.2f", r.rowsPerForward()));
            if (r.firstError() != null) {
                out.println("  first error: " + r.firstError());
            }
            out.flush();
        }
        out.printf(Locale.ROOT, "load average after: %.2f (other work on the machine skews the ratios)%n", os.getSystemLoadAverage());
        Run base = runs.getFirst();
        for (Run r : runs.subList(1, runs.size())) {
            out.printf(Locale.ROOT, "max-batch %d vs %d: %.2fx requests/s, p50 %.2fx, p99 %.2fx%n", r.maxBatch(), base.maxBatch(),
                    r.rps() / base.rps(), r.percentile(50) / base.percentile(50), r.percentile(99) / base.percentile(99));
        }
        out.flush();
        return runs.stream().anyMatch(r -> r.errors() > 0) ? 1 : 0;
    }

    private Run run(int maxBatch) throws Exception {
        ServerConfig config = ServerConfig.defaults("bench").withHost("127.0.0.1").withPort(0)
                .withConcurrency(maxBatch, maxQueue).withRequestTimeout(Duration.ofSeconds(timeoutSeconds));
        try (DiffusionLM lm = model.open(maxBatch); Dream4jServer server = Dream4jServer.start(lm, config);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            URI uri = URI.create(server.url() + "/v1/completions");
            List<Future<Integer>> warm = new ArrayList<>();
            for (int i = 0; i < warmup; i++) {
                int k = i;
                warm.add(threads.submit(() -> send(http, uri, -1 - k).statusCode()));
            }
            for (Future<Integer> f : warm) {
                f.get();
            }
            long forwardsBefore = lm.diagnostics().batchStats().map(BatchStats::forwards).orElse(0L);
            long rowsBefore = lm.diagnostics().batchStats().map(BatchStats::rows).orElse(0L);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger rejected = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
            List<String> errorTexts = Collections.synchronizedList(new ArrayList<>());
            long start = System.nanoTime();
            List<Future<?>> clientRuns = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                clientRuns.add(threads.submit(() -> {
                    for (int i = 0; i < requests; i++) {
                        long t0 = System.nanoTime();
                        try {
                            HttpResponse<String> r = send(http, uri, client * requests + i);
                            if (r.statusCode() == 200) {
                                latencies.add((System.nanoTime() - t0) / 1e6);
                                ok.incrementAndGet();
                            } else if (r.statusCode() == 429) {
                                rejected.incrementAndGet();
                            } else {
                                errors.incrementAndGet();
                                errorTexts.add(r.statusCode() + " " + r.body());
                            }
                        } catch (IOException e) {
                            errors.incrementAndGet();
                            errorTexts.add(e.toString());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clientRuns) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long forwards = lm.diagnostics().batchStats().map(BatchStats::forwards).orElse(0L) - forwardsBefore;
            long rows = lm.diagnostics().batchStats().map(BatchStats::rows).orElse(0L) - rowsBefore;
            return new Run(maxBatch, config.maxInFlight(), ok.get(), rejected.get(), errors.get(), seconds, List.copyOf(latencies),
                    forwards == 0 ? Double.NaN : (double) rows / forwards, errorTexts.isEmpty() ? null : errorTexts.getFirst());
        }
    }

    private HttpResponse<String> send(HttpClient http, URI uri, int n) throws IOException, InterruptedException {
        String prompt = PROMPTS.get(Math.floorMod(n, PROMPTS.size()));
        String body = "{\"model\":\"bench\",\"prompt\":" + Json.write(prompt) + ",\"max_tokens\":" + maxTokens + ",\"steps\":" + steps
                + ",\"temperature\":0.2,\"seed\":" + n + "}";
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds + 30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
