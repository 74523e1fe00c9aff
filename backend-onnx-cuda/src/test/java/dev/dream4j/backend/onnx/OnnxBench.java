package dev.dream4j.backend.onnx;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.DType;

import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Forward time of {@code java-cpu} (when on the class path) and ONNX Runtime CPU on the same synthetic fp32
 * checkpoint and canvas, and their ratio. See {@code backend-onnx-cuda/BENCH.md}. Flags: {@code --layers --hidden --intermediate
 * --heads --kv-heads --vocab --length --batch --iters --threads --rows --int4} (rows: logits rows per forward,
 * default all; int4: also time the onnx backend with int4 MatMulNBits weights in blocks of this size).
 */
public final class OnnxBench {
    private OnnxBench() {
    }

    public static void main(String[] args) {
        int layers = 4, hidden = 512, intermediate = 1408, heads = 8, kvHeads = 2, vocab = 8192;
        int length = 256, batch = 1, iters = 10, threads = Runtime.getRuntime().availableProcessors(), rows = -1, int4 = 0, cache = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            int v = Integer.parseInt(args[i + 1]);
            switch (args[i]) {
                case "--layers" -> layers = v;
                case "--hidden" -> hidden = v;
                case "--intermediate" -> intermediate = v;
                case "--heads" -> heads = v;
                case "--kv-heads" -> kvHeads = v;
                case "--vocab" -> vocab = v;
                case "--length" -> length = v;
                case "--batch" -> batch = v;
                case "--iters" -> iters = v;
                case "--threads" -> threads = v;
                case "--rows" -> rows = v;
                case "--int4" -> int4 = v;
                case "--cache" -> cache = v;
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        SyntheticCheckpoint spec = SyntheticCheckpoint.builder().layers(layers).hidden(hidden).intermediate(intermediate)
                .heads(heads).kvHeads(kvHeads).vocab(vocab).maxPositions(Math.max(512, length)).dtype(DType.F32).seed(5).build();
        System.out.printf("checkpoint: fp32, %d layers, hidden %d, intermediate %d, heads %d/%d, vocab %d; canvas %d x %d, %d threads, %d iterations%n",
                layers, hidden, intermediate, heads, kvHeads, vocab, batch, length, threads, iters);
        try (var fx = CheckpointFixtures.open(spec)) {
            ForwardBatch fb = Batches.leftPadded(vocab, length, 1, new int[batch]);
            if (rows > 0) {
                int[] r = new int[rows];
                for (int i = 0; i < rows; i++) {
                    r[i] = i * (batch * length) / rows;
                }
                int[] tokens = new int[batch * length];
                int[] pos = new int[batch * length];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = fb.token(i / length, i % length);
                    pos[i] = fb.position(i / length, i % length);
                }
                fb = ForwardBatch.of(batch, length, tokens, pos, null, r);
            }
            BackendOptions opts = BackendOptions.defaults().withThreads(threads);
            Optional<BackendProvider> javaCpu = ServiceLoader.load(BackendProvider.class).stream()
                    .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("java-cpu")).findFirst();
            double javaMs = -1;
            if (javaCpu.isPresent()) {
                javaMs = time("java-cpu", javaCpu.get(), fx, opts, fb, iters);
            } else {
                System.out.println("java-cpu: not on the class path, skipped");
            }
            double onnxMs = time("onnx (ORT CPU)", new OnnxBackendProvider(), fx, opts, fb, iters);
            if (int4 > 0) {
                BackendOptions q = new BackendOptions(opts.threads(), opts.device(),
                        java.util.Map.of(OnnxBackend.WEIGHTS, "int4", OnnxBackend.INT4_BLOCK, Integer.toString(int4)));
                double int4Ms = time("onnx int4/" + int4, new OnnxBackendProvider(), fx, q, fb, iters);
                System.out.printf("ratio onnx fp32 / onnx int4 = %.2f%n", onnxMs / int4Ms);
            }
            if (cache > 0) {
                timeCache(new OnnxBackendProvider(), fx, opts, fb, cache, iters);
            }
            if (javaMs > 0) {
                System.out.printf("ratio java-cpu / onnx = %.2f (onnx is %.2fx %s)%n", javaMs / onnxMs,
                        javaMs >= onnxMs ? javaMs / onnxMs : onnxMs / javaMs, javaMs >= onnxMs ? "faster" : "slower");
            }
        }
    }

    private static double time(String label, BackendProvider p, CheckpointFixtures.Opened fx, BackendOptions opts,
                               ForwardBatch fb, int iters) {
        long t0 = System.nanoTime();
        try (Backend b = p.open(fx.model(), fx.checkpoint(), opts)) {
            double openMs = (System.nanoTime() - t0) / 1e6;
            b.forward(fb);
            b.forward(fb);
            double best = Double.MAX_VALUE;
            double total = 0;
            for (int i = 0; i < iters; i++) {
                long s = System.nanoTime();
                b.forward(fb);
                double ms = (System.nanoTime() - s) / 1e6;
                best = Math.min(best, ms);
                total += ms;
            }
            double mean = total / iters;
            System.out.printf("%-16s open %8.1f ms   forward mean %8.2f ms   best %8.2f ms%n", label, openMs, mean, best);
            return mean;
        }
    }

    /**
     * The onnx cache on the same canvas: a refresh, then dual-cache windows of {@code block} slots in the middle and
     * prefix-cache windows from the same start to the end, each asking for the block's rows, against a full forward
     * asking for the same rows.
     */
    private static void timeCache(BackendProvider p, CheckpointFixtures.Opened fx, BackendOptions opts, ForwardBatch canvas,
                                  int block, int iters) {
        int len = canvas.length();
        int from = Math.max(0, len / 2 - block / 2);
        int to = Math.min(len, from + block);
        int[] tokens = new int[canvas.batch() * len];
        int[] pos = new int[tokens.length];
        int[] rows = new int[canvas.batch() * (to - from)];
        for (int i = 0, r = 0; i < tokens.length; i++) {
            tokens[i] = canvas.token(i / len, i % len);
            pos[i] = canvas.position(i / len, i % len);
            if (i % len >= from && i % len < to) {
                rows[r++] = i;
            }
        }
        ForwardBatch fb = ForwardBatch.of(canvas.batch(), len, tokens, pos, null, rows);
        try (Backend b = p.open(fx.model(), fx.checkpoint(), opts); var c = b.openCache(canvas.batch(), len)) {
            double[] ms = new double[4];
            for (int i = -2; i < iters; i++) {
                long t0 = System.nanoTime();
                b.forward(fb);
                long t1 = System.nanoTime();
                c.refresh(fb);
                long t2 = System.nanoTime();
                c.window(fb, from, to);
                long t3 = System.nanoTime();
                c.window(fb, from, len);
                long t4 = System.nanoTime();
                if (i >= 0) {
                    ms[0] += (t1 - t0) / 1e6;
                    ms[1] += (t2 - t1) / 1e6;
                    ms[2] += (t3 - t2) / 1e6;
                    ms[3] += (t4 - t3) / 1e6;
                }
            }
            System.out.printf("onnx cache, block [%d, %d) of %d, %d rows: forward %.2f ms, refresh %.2f ms, dual window %.2f ms (%.1fx),"
                            + " prefix window [%d, %d) %.2f ms (%.1fx)%n", from, to, len, rows.length, ms[0] / iters, ms[1] / iters,
                    ms[2] / iters, ms[0] / ms[2], from, len, ms[3] / iters, ms[0] / ms[3]);
        }
    }
}
