package dev.dream4j.cli;

import dev.dream4j.Dream4jModel;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.ModelSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "bench", description = "Time full forward passes (one denoising step) of a checkpoint and print seconds, GFLOPS and peak memory.")
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

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        OptionLimits.check("--canvas", canvas, 1, OptionLimits.MAX_CANVAS);
        OptionLimits.check("--logit-rows", logitRows, 1, canvas);
        OptionLimits.check("--iterations", iterations, 1, 1_000_000);
        OptionLimits.check("--warmup", warmup, 0, 1_000_000);
        long loadStart = System.nanoTime();
        try (Dream4jModel lm = model.open()) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            ModelSpec s = lm.description().spec();
            OptionLimits.check("--canvas", canvas, 1, lm.description().contextLength());
            int rows = logitRows != null ? logitRows : Math.max(1, canvas / 2);
            int[] tokens = new int[canvas];
            for (int i = 0; i < canvas; i++) {
                tokens[i] = i < canvas - rows ? (i * 7919) % Math.min(s.vocabSize(), 1000) : lm.description().tokens().mask();
            }
            int[] wanted = new int[rows];
            for (int i = 0; i < rows; i++) {
                wanted[i] = canvas - rows + i - 1 < 0 ? 0 : canvas - rows + i - 1;
            }
            ForwardBatch batch = ForwardBatch.single(tokens, wanted);
            for (int i = 0; i < warmup; i++) {
                lm.forwardForBench(batch);
            }
            double best = Double.MAX_VALUE;
            double total = 0;
            for (int i = 0; i < iterations; i++) {
                long t0 = System.nanoTime();
                lm.forwardForBench(batch);
                double sec = (System.nanoTime() - t0) / 1e9;
                best = Math.min(best, sec);
                total += sec;
            }
            double flops = s.forwardFlops(canvas, rows, canvas);
            out.printf("model        %s (%d layers, hidden %d, heads %d/%d, intermediate %d, vocab %d)%n", model.directory(),
                    s.numLayers(), s.hiddenSize(), s.numHeads(), s.numKvHeads(), s.intermediateSize(), s.vocabSize());
            out.printf("backend      %s, threads %s%n", lm.info().backend(), model.threads == null ? "all" : model.threads);
            out.printf("load         %.2f s%n", loadSeconds);
            out.printf("canvas       %d tokens, %d lm_head rows%n", canvas, rows);
            out.printf("forward      best %.4f s, mean %.4f s over %d%n", best, total / iterations, iterations);
            out.printf("throughput   %.2f GFLOPS (best), %.3f GFLOP per forward%n", flops / best / 1e9, flops / 1e9);
            out.printf("peak RSS     %s%n", peakRss());
            out.flush();
        }
        return 0;
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
