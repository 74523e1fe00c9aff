package dev.dream4j.benchmarks;

import dev.dream4j.Dream4j;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.ModelDiagnostics;
import dev.dream4j.api.ModelDimensions;
import dev.dream4j.backend.cpu.Kernels;
import dev.dream4j.tools.MemoryBandwidth;
import dev.dream4j.tools.SyntheticCheckpoints;
import dev.dream4j.spi.model.DType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Benchmark of the java-cpu backend (see {@code backend-java-cpu/BENCH.md}; a plain main, not a JMH benchmark): GEMM GFLOPS on the Dream-7B projection
 * shapes with bf16 weights, the same shapes through numpy/OpenBLAS fp32 (a python3 child process), and optionally one
 * forward over a checkpoint directory. Prints to stdout (this is a command-line tool, not library code).
 *
 * <p>Arguments: {@code [--threads N] [--reps R] [--m 256,512] [--no-numpy] [--no-gemm] [--small-m 1,32 [--formats bf16,q8_0,q4_0]]
 * [--checkpoint DIR --length L [--write-7b-layers N]]}; {@code --write-7b-layers} first writes a
 * Dream-7B-shaped random bf16 checkpoint with N layers into DIR when DIR has no {@code config.json}.
 */
public final class CpuBench {
    private static final int[][] SHAPES = {{3584, 3584}, {512, 3584}, {18944, 3584}, {3584, 18944}};

    private CpuBench() {
    }

    /**
     * Small-M products on the two largest Dream-7B shapes (the weights far exceed the caches): time per call and the
     * weight bytes read per second, against a STREAM-like copy (all threads, 64 MiB arrays, read + write) measured in
     * the same run. At small M a GEMM reads every weight byte once for M rows, so this is the bandwidth a Fast-dLLM
     * cached window (M = 32) or a single-token step (M = 1) can reach.
     */
    private static void smallM(String[] ms, String[] formats, int threads, int reps, PrintStream out) throws Exception {
        int[][] shapes = {{18944, 3584}, {3584, 18944}};
        double copy = MemoryBandwidth.copyGBs(threads);
        out.printf("STREAM-like copy: %.1f GB/s (read + write, %d threads, best of 5)%n", copy, threads);
        out.printf("%6s %6s %6s %6s %10s %10s %10s %10s %8s %12s%n", "format", "M", "N", "K", "MB", "ms", "GB/s", "GFLOPS", "x copy",
                "blocked ms");
        try (Kernels kernels = new Kernels(threads); Arena arena = Arena.ofShared()) {
            for (int[] s : shapes) {
                int n = s[0], k = s[1];
                MemorySegment w = arena.allocate((long) n * k * 2, 64);
                SplittableRandom r = new SplittableRandom(n * 17L + k);
                for (long i = 0; i < (long) n * k; i++) {
                    w.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, DType.floatToBf16((float) (r.nextDouble() * 2 - 1)));
                }
                for (String f : formats) {
                    Kernels.Weights kw = Kernels.weights(w, n, k, f.trim());
                    for (String mStr : ms) {
                        int m = Integer.parseInt(mStr.trim());
                        float[] a = new float[m * k];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = (float) (r.nextDouble() * 2 - 1);
                        }
                        float[] c = new float[m * n];
                        long w0 = System.nanoTime();
                        for (int wc = 0; wc < 3 || System.nanoTime() - w0 < 1_000_000_000L; wc++) {
                            kernels.gemm(a, m, kw, c);
                        }
                        double best = Double.MAX_VALUE;
                        for (int rep = 0; rep < reps; rep++) {
                            long t0 = System.nanoTime();
                            kernels.gemm(a, m, kw, c);
                            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                        }
                        double gbs = kw.bytes() / best / 1e9;
                        // below Kernels.smallM() the same product on the blocked path, for comparison
                        double blocked = Double.NaN;
                        if (m < Kernels.smallM()) {
                            for (int wc = 0; wc < 3; wc++) {
                                kernels.gemmBlocked(a, m, kw, c);
                            }
                            blocked = Double.MAX_VALUE;
                            for (int rep = 0; rep < reps; rep++) {
                                long t0 = System.nanoTime();
                                kernels.gemmBlocked(a, m, kw, c);
                                blocked = Math.min(blocked, (System.nanoTime() - t0) / 1e9);
                            }
                        }
                        out.printf("%6s %6d %6d %6d %10.1f %10.2f %10.1f %10.1f %8.2f %12s%n", f.trim(), m, n, k, kw.bytes() / 1e6,
                                best * 1e3, gbs, 2.0 * m * n * k / best / 1e9, gbs / copy,
                                Double.isNaN(blocked) ? "-" : String.format("%.2f", blocked * 1e3));
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--no-numpy") || a.equals("--no-gemm")) {
                opt.put(a, "true");
            } else if (a.startsWith("--") && i + 1 < args.length) {
                opt.put(a, args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        PrintStream out = System.out;
        int threads = Integer.parseInt(opt.getOrDefault("--threads", Integer.toString(Runtime.getRuntime().availableProcessors())));
        int reps = Integer.parseInt(opt.getOrDefault("--reps", "3"));
        String[] ms = opt.getOrDefault("--m", "256,512").split(",");
        out.printf("java-cpu bench: %d threads, species %s, java %s%n", threads, Kernels.species(), Runtime.version());
        if (!opt.containsKey("--no-gemm")) {
            Map<String, double[]> numpy = opt.containsKey("--no-numpy") ? Map.of() : numpy(ms, reps, threads, out);
            out.println("GEMM C[M x N] = A[M x K] * W^T, W bf16 (java) vs fp32 (numpy), best of " + reps);
            out.printf("%6s %6s %6s %12s %12s %8s %14s %14s%n", "M", "N", "K", "java GF/s", "numpy GF/s", "ratio", "java CPU-GF/s", "numpy CPU-GF/s");
            try (Kernels kernels = new Kernels(threads); Arena arena = Arena.ofShared()) {
                for (String mStr : ms) {
                    int m = Integer.parseInt(mStr.trim());
                    for (int[] s : SHAPES) {
                        int n = s[0], k = s[1];
                        MemorySegment w = arena.allocate((long) n * k * 2, 64);
                        SplittableRandom r = new SplittableRandom(n * 31L + k);
                        for (long i = 0; i < (long) n * k; i++) {
                            w.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, DType.floatToBf16((float) (r.nextDouble() * 2 - 1)));
                        }
                        float[] a = new float[m * k];
                        for (int i = 0; i < a.length; i++) {
                            a[i] = (float) (r.nextDouble() * 2 - 1);
                        }
                        float[] c = new float[m * n];
                        // warm-up: at least 3 calls and 1 s, so that C2 has compiled the kernels (and their OSR-free
                        // versions) before the timed runs; one call was not enough for the first shape
                        long w0 = System.nanoTime();
                        for (int wc = 0; wc < 3 || System.nanoTime() - w0 < 1_000_000_000L; wc++) {
                            kernels.gemm(a, m, w, DType.BF16, n, k, c);
                        }
                        double best = Double.MAX_VALUE;
                        double bestCpu = Double.MAX_VALUE;
                        for (int rep = 0; rep < reps; rep++) {
                            long c0 = processCpuNanos();
                            long t0 = System.nanoTime();
                            kernels.gemm(a, m, w, DType.BF16, n, k, c);
                            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
                            bestCpu = Math.min(bestCpu, (processCpuNanos() - c0) / 1e9);
                        }
                        double gf = 2.0 * m * n * k / best / 1e9;
                        double cpuGf = 2.0 * m * n * k / (bestCpu / threads) / 1e9;
                        double[] np = numpy.get(m + "x" + n + "x" + k);
                        out.printf("%6d %6d %6d %12.1f %12s %8s %14.1f %14s%n", m, n, k, gf, np == null ? "-" : String.format("%.1f", np[0]),
                                np == null ? "-" : String.format("%.2f", gf / np[0]), cpuGf, np == null ? "-" : String.format("%.1f", np[1]));
                    }
                }
            }
        }
        if (opt.containsKey("--small-m")) {
            smallM(opt.get("--small-m").split(","), opt.getOrDefault("--formats", "bf16,q8_0,q4_0").split(","), threads, reps, out);
        }
        if (opt.containsKey("--write-7b-layers")) {
            // a Dream-7B-shaped random bf16 checkpoint with fewer layers, written once into --checkpoint
            Path dir = Path.of(opt.get("--checkpoint"));
            if (!Files.exists(dir.resolve("config.json"))) {
                long t0 = System.nanoTime();
                SyntheticCheckpoints.dream7bShaped(dir, Integer.parseInt(opt.get("--write-7b-layers")), 7);
                out.printf("wrote %s in %.1f s%n", dir, (System.nanoTime() - t0) / 1e9);
            }
        }
        if (opt.containsKey("--checkpoint")) {
            forward(Path.of(opt.get("--checkpoint")), Integer.parseInt(opt.getOrDefault("--length", "256")), threads, reps, out);
        }
        out.printf("peak RSS (VmHWM): %s%n", vmHwm());
    }

    /**
     * One forward over a checkpoint directory, opened as an application opens it (the registry chooses the family and
     * the tokenizer; the backend is java-cpu), through the API's diagnostics: logits for every slot, as a sampler needs
     * them for all masked positions.
     */
    private static void forward(Path dir, int length, int threads, int reps, PrintStream out) {
        try (DiffusionLM lm = Dream4j.builder().model(dir).backend("java-cpu").threads(threads).build()) {
            ModelDiagnostics diagnostics = lm.diagnostics();
            int vocab = lm.info().vocabSize();
            int[] tokens = new int[length];
            int[] rows = new int[length];
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < length; i++) {
                tokens[i] = r.nextInt(Math.min(vocab, 2000));
                rows[i] = i;
            }
            long t0 = System.nanoTime();
            diagnostics.forward(tokens, rows);
            double first = (System.nanoTime() - t0) / 1e9;
            double best = first;
            for (int i = 0; i < reps - 1; i++) {
                t0 = System.nanoTime();
                diagnostics.forward(tokens, rows);
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            double flops = diagnostics.forwardFlops(length, length, length);
            ModelDimensions d = diagnostics.dimensions();
            out.printf("forward %s: length %d, %d layers, hidden %d: first %.3f s, best %.3f s, %.1f GFLOP/s%n",
                    dir.getFileName(), length, d.layers(), d.hidden(), first, best, flops / best / 1e9);
        }
    }

    /** CPU time of this process (all threads), for GFLOPS per busy core on a shared machine. */
    private static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime();
        }
        return 0;
    }

    private static String vmHwm() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.substring(6).trim();
                }
            }
        } catch (IOException e) {
            return "unavailable (" + e.getMessage() + ")";
        }
        return "unavailable";
    }

    /** Runs the same shapes through numpy (fp32, OpenBLAS) in a python3 child process; GFLOPS by "MxNxK". */
    private static Map<String, double[]> numpy(String[] ms, int reps, int threads, PrintStream out) {
        StringBuilder shapes = new StringBuilder();
        for (String m : ms) {
            for (int[] s : SHAPES) {
                shapes.append('(').append(m.trim()).append(',').append(s[0]).append(',').append(s[1]).append("),");
            }
        }
        String script = String.join("\n",
                "import numpy as np, time",
                "for (m, n, k) in [" + shapes + "]:",
                "    rng = np.random.default_rng(0)",
                "    a = rng.standard_normal((m, k), dtype=np.float32)",
                "    w = rng.standard_normal((n, k), dtype=np.float32)",
                "    a @ w.T",
                "    best = 1e9; bestc = 1e9",
                "    for _ in range(" + reps + "):",
                "        c = time.process_time(); t = time.perf_counter(); a @ w.T",
                "        best = min(best, time.perf_counter() - t); bestc = min(bestc, time.process_time() - c)",
                "    f = 2.0 * m * n * k / 1e9",
                "    print('%dx%dx%d %.3f %.3f' % (m, n, k, f / best, f / (bestc / " + threads + ")), flush=True)");
        Map<String, double[]> result = new LinkedHashMap<>();
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of("python3", "-c", script));
            pb.environment().remove("OPENBLAS_CORETYPE");
            pb.redirectErrorStream(true);
            Process p = pb.start();
            try (BufferedReader br = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = br.readLine()) != null) {
                    String[] parts = line.trim().split(" ");
                    if (parts.length == 3 && parts[0].matches("\\d+x\\d+x\\d+")) {
                        result.put(parts[0], new double[]{Double.parseDouble(parts[1]), Double.parseDouble(parts[2])});
                    } else {
                        out.println("numpy: " + line);
                    }
                }
            }
            p.waitFor();
            ProcessBuilder vb = new ProcessBuilder("python3", "-c", "import numpy; print(numpy.__version__); numpy.show_config()");
            vb.environment().remove("OPENBLAS_CORETYPE");
            Process v = vb.redirectErrorStream(true).start();
            String info = new String(v.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            v.waitFor();
            out.println("numpy " + info.lines().findFirst().orElse("?") + (info.contains("openblas") ? " (OpenBLAS)" : ""));
        } catch (IOException e) {
            out.println("numpy unavailable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result;
    }
}
