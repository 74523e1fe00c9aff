package dev.dream4j.cli;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.UnsupportedFeatureException;
import dev.dream4j.api.ModelDiagnostics;
import dev.dream4j.api.ModelDimensions;
import dev.dream4j.tools.ArithmeticPeak;
import dev.dream4j.tools.MemoryBandwidth;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", description = {"Time full forward passes (one denoising step) of a checkpoint and print seconds, GFLOPS and peak memory.",
        "Measures the copy bandwidth and the fp32 FMA peak first, and places the small-row step on that roofline."})
final class BenchCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--canvas", defaultValue = "256", paramLabel = "L", description = "Canvas length (tokens per forward).")
    int canvas;

    @Option(names = "--logit-rows", paramLabel = "R", description = "Rows through lm_head (default: the second half of the canvas, like a half-masked canvas).")
    Integer logitRows;

    @Option(names = "--iterations", defaultValue = "3", paramLabel = "N")
    int iterations;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "N")
    int warmup;

    @Option(names = "--weights", split = ",", paramLabel = "native,q8_0,q4_0",
            description = "java-cpu weight formats to bench in this run (cpu.weights option; default: native only). "
                    + "q8_0/q4_0 on a float checkpoint quantize on load.")
    List<String> weights = new ArrayList<>(List.of("native"));

    @Option(names = "--small-rows", defaultValue = "32", paramLabel = "R",
            description = "Also time an R-row forward and an R-row dual-cache step over the rest of the canvas (a Fast-dLLM window; 0 skips both).")
    int smallRows;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        OptionLimits.check("--canvas", canvas, 1, OptionLimits.MAX_CANVAS);
        OptionLimits.check("--logit-rows", logitRows, 1, canvas);
        OptionLimits.check("--iterations", iterations, 1, 1_000_000);
        OptionLimits.check("--warmup", warmup, 0, 1_000_000);
        OptionLimits.check("--small-rows", smallRows, 0, OptionLimits.MAX_CANVAS);
        OptionLimits.check("--threads", model.threads, 1, OptionLimits.maxThreads());
        double bandwidth = MemoryBandwidth.copyGBs(threadCount());
        out.printf("memory       STREAM-like copy %.1f GB/s (read + write, best of 5, 64 MiB arrays)%n", bandwidth);
        ArithmeticPeak.Rate peak = ArithmeticPeak.measure(threadCount(), 3, 300);
        out.printf("arithmetic   fp32 FMA peak %.1f GFLOPS (%d threads, %d-lane vectors, register-only FMA chains, best of 3)%n",
                peak.gflops(), peak.threads(), peak.lanes());
        for (String w : weights) {
            if (!resetPeakRss() && weights.size() > 1) {
                out.println("note         peak RSS could not be reset between formats: each figure is the process peak so far");
            }
            if (!"native".equals(w)) {
                model.backendOptions.put("cpu.weights", w);
            }
            benchOne(out, w, bandwidth, peak.gflops());
            model.backendOptions.remove("cpu.weights");
        }
        out.flush();
        return 0;
    }

    private int threadCount() {
        return model.threads == null ? Runtime.getRuntime().availableProcessors() : model.threads;
    }

    private void benchOne(PrintWriter out, String weightsLabel, double bandwidth, double peakGflops) throws IOException {
        long loadStart = System.nanoTime();
        try (DiffusionLM lm = model.open()) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            ModelDiagnostics diagnostics = lm.diagnostics();
            ModelDimensions s = diagnostics.dimensions();
            OptionLimits.check("--canvas", canvas, 1, lm.info().contextLength());
            int rows = logitRows != null ? logitRows : Math.max(1, canvas / 2);
            double[] full = time(lm, canvas, rows);
            double flops = diagnostics.forwardFlops(canvas, rows, canvas);
            double bytes = weightBytes(s, weightsLabel, model.directory());
            out.printf("%n== weights %s ==%n", weightsLabel);
            out.printf("model        %s (%d layers, hidden %d, heads %d/%d, intermediate %d, vocab %d)%n", model.directory(),
                    s.layers(), s.hidden(), s.heads(), s.kvHeads(), s.intermediate(), s.vocab());
            out.printf("backend      %s, threads %s%n", lm.info().backend(), model.threads == null ? "all" : model.threads);
            out.printf("load         %.2f s%n", loadSeconds);
            out.printf("canvas       %d tokens, %d lm_head rows%n", canvas, rows);
            out.printf("forward      best %.4f s, mean %.4f s over %d%n", full[0], full[1], iterations);
            out.printf("throughput   %.2f GFLOPS (best) = %.2f of the FMA peak, %.3f GFLOP per forward%n", flops / full[0] / 1e9,
                    flops / full[0] / 1e9 / peakGflops, flops / 1e9);
            if (smallRows > 0) {
                double[] small = time(lm, smallRows, smallRows);
                double smallFlops = diagnostics.forwardFlops(smallRows, smallRows, smallRows);
                out.printf("%d-row step  best %.4f s, mean %.4f s: %.2f GFLOPS, weights %.1f MB -> %.1f GB/s = %.2f of the copy bandwidth"
                                + " (attention over the %d rows alone)%n",
                        smallRows, small[0], small[1], smallFlops / small[0] / 1e9, bytes / 1e6, bytes / small[0] / 1e9,
                        bytes / small[0] / 1e9 / bandwidth, smallRows);
                if (smallRows < canvas) {
                    cachedStep(out, lm, bytes, bandwidth, peakGflops);
                } else {
                    out.printf("cached step  not measured: --small-rows %d leaves no cached context in a canvas of %d%n", smallRows, canvas);
                }
            }
            out.printf("peak RSS     %s%n", peakRss());
            out.flush();
        }
    }

    /**
     * The step a Fast-dLLM dual cache runs once a block's first forward has filled the cache: {@link #smallRows} rows
     * computed, attending over the cached keys and values of the rest of the canvas. Timed inside real generations
     * (prompt of {@code canvas - R} tokens, R new tokens in one block of R, 4 entropy steps at temperature 0): the
     * time between two listener calls of a step that computed R rows with cache hits, sampling included, over
     * {@link #iterations} generations after {@link #warmup}. Then the roofline: that step can go no faster than its
     * weight bytes at the copy bandwidth, nor than its FLOPs at the FMA peak, and the larger bound says which of the
     * two limits it on this machine.
     */
    private void cachedStep(PrintWriter out, DiffusionLM lm, double bytes, double bandwidth, double peakGflops) {
        int vocab = lm.info().vocabSize();
        List<Integer> prompt = new ArrayList<>();
        for (int i = 0; i < canvas - smallRows; i++) {
            prompt.add((i * 7919) % Math.min(vocab, 1000));
        }
        GenerationRequest request = GenerationRequest.builder().promptIds(prompt).maxNewTokens(smallRows).blockLength(smallRows)
                .steps(Math.min(4, smallRows)).sampler("entropy").temperature(0).seed(1).cache(CacheMode.DUAL).build();
        List<Double> times = new ArrayList<>();
        double[] flops = {0};
        int[] context = {0};
        for (int g = 0; g < warmup + iterations; g++) {
            boolean timed = g >= warmup;
            long[] last = {System.nanoTime()};
            try {
                lm.generate(request, step -> {
                    long now = System.nanoTime();
                    if (timed && step.rowsComputed() == smallRows && step.cacheHits() > 0) {
                        times.add((now - last[0]) / 1e9);
                        context[0] = (int) (step.rowsComputed() + step.cacheHits());
                        flops[0] = lm.diagnostics().forwardFlops(step.rowsComputed(), step.logitRows(), context[0]);
                    }
                    last[0] = System.nanoTime();
                    return DenoisingListener.Decision.CONTINUE;
                });
            } catch (UnsupportedFeatureException e) {
                out.printf("cached step  not measured: %s%n", e.getMessage());
                return;
            }
        }
        if (times.isEmpty()) {
            out.printf("cached step  not measured: no step computed %d rows over a cached prefix%n", smallRows);
            return;
        }
        double best = times.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
        double mean = times.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        out.printf("cached step  %d rows over a cached context of %d (dual cache): best %.4f s, mean %.4f s over %d steps: %.2f GFLOPS,"
                        + " weights -> %.1f GB/s = %.2f of the copy bandwidth%n", smallRows, context[0] - smallRows, best, mean, times.size(),
                flops[0] / best / 1e9, bytes / best / 1e9, bytes / best / 1e9 / bandwidth);
        double memoryBound = bytes / 1e9 / bandwidth;
        double arithmeticBound = flops[0] / 1e9 / peakGflops;
        out.printf("roofline     cached %d-row step: memory bound %.4g s, arithmetic bound %.4g s -> %s-bound; best step = %.2f of the bound%n",
                smallRows, memoryBound, arithmeticBound, arithmeticBound > memoryBound ? "arithmetic" : "memory",
                Math.max(memoryBound, arithmeticBound) / best);
    }

    /** Best and mean seconds of a forward over {@code length} tokens with the last {@code rows} through lm_head. */
    private double[] time(DiffusionLM lm, int length, int rows) {
        int vocab = lm.info().vocabSize();
        int mask = lm.info().specialTokens().get("mask");
        int[] tokens = new int[length];
        for (int i = 0; i < length; i++) {
            tokens[i] = i < length - rows ? (i * 7919) % Math.min(vocab, 1000) : mask;
        }
        int[] wanted = new int[rows];
        for (int i = 0; i < rows; i++) {
            wanted[i] = Math.max(0, length - rows + i - 1);
        }
        ModelDiagnostics diagnostics = lm.diagnostics();
        for (int i = 0; i < warmup; i++) {
            diagnostics.forward(tokens, wanted);
        }
        double best = Double.MAX_VALUE;
        double total = 0;
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            diagnostics.forward(tokens, wanted);
            double sec = (System.nanoTime() - t0) / 1e9;
            best = Math.min(best, sec);
            total += sec;
        }
        return new double[]{best, total / iterations};
    }

    /**
     * Bytes of projection and lm_head weights one forward reads (the embedding is read row by row): 2 per weight for
     * a bf16/f16 checkpoint (4 for f32), 34/32 for q8_0 and 18/32 for q4_0 (one fp16 scale per block of 32; q4_0's
     * LM head is q8_0). All of lm_head is counted although a step reads it only for its logit rows.
     */
    static double weightBytes(ModelDimensions s, String requested, Path dir) throws IOException {
        String weights = requested;
        Path report = dir.resolve("quantization.json"); // a directory written by `dream4j quantize`
        if ("native".equals(weights) && Files.isReadable(report)) {
            String r = Files.readString(report);
            weights = r.contains("\"type\": \"q4_0\"") ? "q4_0" : r.contains("\"type\": \"q8_0\"") ? "q8_0" : weights;
        }
        double qDim = (double) s.heads() * s.headDim();
        double kvDim = (double) s.kvHeads() * s.headDim();
        double perLayer = s.hidden() * (qDim + 2 * kvDim) + qDim * s.hidden() + 3.0 * s.hidden() * s.intermediate();
        double head = (double) s.vocab() * s.hidden();
        double perWeight = switch (weights) {
            case "q8_0" -> 34.0 / 32;
            case "q4_0" -> 18.0 / 32;
            default -> {
                Path cfg = dir.resolve("config.json");
                String c = Files.isReadable(cfg) ? Files.readString(cfg) : "";
                yield c.contains("\"float32\"") ? 4.0 : 2.0;
            }
        };
        double headPerWeight = "q4_0".equals(weights) ? 34.0 / 32 : perWeight; // q4_0 keeps the LM head at q8_0
        return perLayer * s.layers() * perWeight + head * headPerWeight;
    }

    /** Resets VmHWM (Linux: write 5 to /proc/self/clear_refs) so each weight format gets its own peak. */
    private static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or not allowed: the peak is then cumulative over the formats benched so far
        }
    }

    /** VmHWM from /proc/self/status, where the platform has it. */
    static String peakRss() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return "unknown (no /proc)";
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("VmHWM:")) {
                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                return String.format("%.1f MiB", kb / 1024.0);
            }
        }
        return "unknown";
    }
}
