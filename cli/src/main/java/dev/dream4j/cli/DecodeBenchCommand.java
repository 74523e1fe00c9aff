package dev.dream4j.cli;

import dev.dream4j.Dream4j;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.CacheMode;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.tools.SyntheticCheckpoints;
import dev.dream4j.demo.DemoModel;
import dev.dream4j.api.ModelDiagnostics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

@Command(name = "bench-decode", description = {
        "Compare reference decoding with Fast-dLLM block decoding (threshold rule, key/value cache, both) at temperature 0:",
        "forwards, model FLOPs and wall time per generated token, and agreement with the baseline's tokens.",
        "Runs on the demo model and on a synthetic checkpoint of the demo's shape (random weights), canvas 256 each."})
final class DecodeBenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "DIR|demo", defaultValue = "demo", description = "Checkpoint besides the synthetic one (default: demo); 'none' skips it.")
    String model;

    @Option(names = "--synth", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Also bench a synthetic checkpoint (default: on).")
    boolean synth;

    @Option(names = "--canvas", defaultValue = "256", paramLabel = "L", description = "Canvas length: prompt plus new tokens.")
    int canvas;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "def quicksort(items):\n    \"\"\"Sort a list of numbers in ascending order.\"\"\"\n",
            description = "Prompt for the real checkpoint (the synthetic one gets 32 seeded ids).")
    String prompt;

    @Option(names = "--block-length", defaultValue = "32", paramLabel = "B")
    int blockLength;

    @Option(names = "--threshold", defaultValue = "0.9", paramLabel = "TAU")
    double threshold;

    @Option(names = "--threads", paramLabel = "N", description = "Backend worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend plug-in (default: highest priority available).")
    String backend;

    @Option(names = "--weights", split = ",", paramLabel = "native,q8_0,q4_0",
            description = "java-cpu weight formats (cpu.weights option), one table each (default: native).")
    List<String> weights = new ArrayList<>(List.of("native"));

    @Option(names = "--configs", split = ",", paramLabel = "KEY",
            description = "Configurations to run after the baseline, by key (default: all): blocks, threshold, dual, prefix, "
                    + "threshold-prefix, threshold-dual. A 7B-shaped checkpoint needs minutes per configuration.")
    List<String> configKeys;

    @Option(names = "--warmup", paramLabel = "N", description = "New tokens of the untimed warm-up generation (JIT; default: one block; 0: none).")
    Integer warmupTokens;

    /** The weight format of the current table. */
    private String currentWeights = "native";

    /** One configuration of the table; {@code key} selects it with {@code --configs} (the baseline has none). */
    private record Config(String key, String name, String uncached, UnaryOperator<GenerationRequest.Builder> settings) {
    }

    private static final List<String> CONFIG_KEYS = List.of("blocks", "threshold", "dual", "prefix", "threshold-prefix", "threshold-dual");

    private record Row(String name, int forwards, double flops, double seconds, double cpuSeconds, double agreement, double vsUncached,
                       int newTokens, double hitRate) {
    }

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        OptionLimits.check("--canvas", canvas, 2, OptionLimits.MAX_CANVAS);
        OptionLimits.check("--threads", threads, 1, OptionLimits.maxThreads());
        if (configKeys != null) {
            for (String k : configKeys) {
                if (!CONFIG_KEYS.contains(k)) {
                    throw new dev.dream4j.api.InvalidRequestException("--configs", "unknown configuration '" + k + "'; known: "
                            + String.join(", ", CONFIG_KEYS));
                }
            }
        }
        for (String w : weights) {
            currentWeights = w;
            benchAll(out);
        }
        out.flush();
        return 0;
    }

    private void benchAll(PrintWriter out) throws IOException {
        if (!"none".equals(model)) {
            Path dir = DemoModel.NAME.equals(model) ? DemoModel.directory() : Path.of(model);
            try (DiffusionLM lm = open(dir)) {
                int[] ids = lm.encode(prompt).stream().mapToInt(Integer::intValue).toArray();
                bench(out, model, lm, ids);
            }
        }
        if (synth) {
            Path tmp = Files.createTempDirectory("dream4j-bench-decode-");
            try {
                // the demo model's shape, random weights
                Path dir = SyntheticCheckpoints.demoShaped(tmp, Math.max(512, canvas), 5);
                try (DiffusionLM lm = open(dir)) {
                    int vocab = lm.info().vocabSize();
                    SplittableRandom r = new SplittableRandom(17);
                    int[] ids = new int[32];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = 100 + r.nextInt(Math.max(1, vocab - 200));
                    }
                    bench(out, "synthetic (demo shape, random weights)", lm, ids);
                }
            } finally {
                try (var files = Files.walk(tmp)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private DiffusionLM open(Path dir) {
        Dream4j.Builder b = Dream4j.builder().model(dir).backend(backend);
        if (!"native".equals(currentWeights)) {
            b.property("cpu.weights", currentWeights);
        }
        if (threads != null) {
            b.threads(OptionLimits.check("--threads", threads, 1, OptionLimits.maxThreads()));
        }
        return b.build();
    }

    private void bench(PrintWriter out, String label, DiffusionLM lm, int[] prompt) {
        int newTokens = canvas - prompt.length;
        if (newTokens < blockLength) {
            throw new dev.dream4j.api.InvalidRequestException("canvas", "the prompt has " + prompt.length
                    + " tokens, which leaves fewer new tokens than one block in a canvas of " + canvas);
        }
        List<Config> all = List.of(
                new Config(null, "baseline (entropy, steps = tokens)", null, b -> b.sampler("entropy").steps(newTokens)),
                new Config("blocks", "entropy in blocks, no cache", null, b -> b.sampler("entropy").steps(newTokens).blockLength(blockLength)),
                new Config("threshold", "threshold only (tau " + threshold + ", no cache)", null, b -> b.sampler("fast-dllm-threshold")
                        .threshold(threshold).blockLength(blockLength)),
                new Config("dual", "cache only (entropy, dual)", "entropy in blocks, no cache", b -> b.sampler("entropy").steps(newTokens)
                        .blockLength(blockLength).cache(CacheMode.DUAL)),
                new Config("prefix", "cache only (entropy, prefix)", "entropy in blocks, no cache", b -> b.sampler("entropy").steps(newTokens)
                        .blockLength(blockLength).cache(CacheMode.PREFIX)),
                new Config("threshold-prefix", "threshold + prefix cache", "threshold only", b -> b.sampler("fast-dllm-threshold").threshold(threshold)
                        .blockLength(blockLength).cache(CacheMode.PREFIX)),
                new Config("threshold-dual", "threshold + dual cache", "threshold only", b -> b.sampler("fast-dllm-threshold").threshold(threshold)
                        .blockLength(blockLength).cache(CacheMode.DUAL)));
        List<Config> configs = all.stream().filter(c -> c.key() == null || configKeys == null || configKeys.contains(c.key())).toList();
        ModelDiagnostics s = lm.diagnostics();
        List<Integer> ids = java.util.Arrays.stream(prompt).boxed().toList();
        // warm-up (JIT): one short threshold generation
        int warm = warmupTokens == null ? blockLength : OptionLimits.check("--warmup", warmupTokens, 0, newTokens);
        if (warm > 0) {
            lm.generate(GenerationRequest.builder().promptIds(ids).maxNewTokens(warm).temperature(0).seed(1)
                    .sampler("fast-dllm-threshold").build(), DenoisingListener.NONE);
        }
        List<Row> rows = new ArrayList<>();
        java.util.Map<String, List<Integer>> outputs = new java.util.HashMap<>();
        List<Integer> baseline = null;
        for (Config c : configs) {
            GenerationRequest.Builder b = GenerationRequest.builder().promptIds(ids).maxNewTokens(newTokens).temperature(0).seed(1);
            GenerationRequest request = c.settings().apply(b).build();
            boolean reference = baseline == null;
            double[] flops = {0};
            long[] slots = {0, 0}; // computed, from cache
            DenoisingListener meter = step -> {
                flops[0] += s.forwardFlops(step.rowsComputed(), step.logitRows(), canvas);
                slots[0] += step.rowsComputed();
                slots[1] += step.cacheHits();
                return DenoisingListener.Decision.CONTINUE;
            };
            double cpu0 = processCpuSeconds();
            long t0 = System.nanoTime();
            GenerationResult result = lm.generate(request, meter);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpuSeconds = processCpuSeconds() - cpu0;
            List<Integer> generated = result.first().generatedIds();
            if (reference) {
                baseline = generated;
            }
            outputs.put(c.name().startsWith("threshold only") ? "threshold only" : c.name(), generated);
            double agreement = agreement(generated, baseline);
            List<Integer> uncached = c.uncached() == null ? null : outputs.get(c.uncached()); // absent when not selected
            double vsUncached = uncached == null ? Double.NaN : agreement(generated, uncached);
            rows.add(new Row(c.name(), result.steps(), flops[0], seconds, cpuSeconds, agreement, vsUncached, generated.size(),
                    slots[1] / (double) Math.max(1, slots[0] + slots[1])));
        }
        Row base = rows.getFirst();
        out.printf("%n== %s: canvas %d (prompt %d + %d new), block %d, temperature 0, backend %s, weights %s, threads %s ==%n", label, canvas,
                prompt.length, newTokens, blockLength, lm.info().backend(), currentWeights, threads == null ? "all" : threads);
        out.printf("%-36s %9s %10s %12s %9s %10s %10s %12s %9s %9s %9s%n", "configuration", "forwards", "fwd/token", "MFLOP/token",
                "ms/token", "cache hit", "agreement", "vs uncached", "FLOPs x", "time x", "CPU x");
        for (Row r : rows) {
            out.printf("%-36s %9d %10.3f %12.2f %9.3f %9.1f%% %9.1f%% %12s %8.2fx %8.2fx %8.2fx%n", r.name(), r.forwards(),
                    (double) r.forwards() / r.newTokens(), r.flops() / r.newTokens() / 1e6, r.seconds() * 1e3 / r.newTokens(),
                    100 * r.hitRate(),
                    100 * r.agreement(), Double.isNaN(r.vsUncached()) ? "-" : String.format("%.1f%%", 100 * r.vsUncached()), base.flops() / r.flops(), base.seconds() / r.seconds(),
                    base.cpuSeconds() / r.cpuSeconds());
        }
        out.printf("agreement: share of the %d new positions equal to the baseline's; vs uncached: equal to the same sampler's%n"
                + "uncached block decoding (isolates the cache's approximation). FLOPs: the model's forwardFlops of each forward's%n"
                + "computed slots and lm_head rows. The fast-dllm rows stop early at end-of-text (the default). time x / CPU x: the%n"
                + "baseline's wall / process CPU time over the row's (CPU time is steadier on a shared machine; load average now %.2f).%n",
                newTokens, java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.flush();
    }

    /** CPU time of this process so far (all threads), or NaN where the platform does not report it. */
    private static double processCpuSeconds() {
        return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    private static double agreement(List<Integer> a, List<Integer> b) {
        int same = 0;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals(b.get(i))) {
                same++;
            }
        }
        return (double) same / a.size();
    }
}
