package dev.dream4j.backend.onnx;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.DType;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logits of the onnx backend against the java-cpu backend (found through ServiceLoader, as the kernel finds it). */
class JavaCpuParityTest {

    private static BackendProvider javaCpu() {
        return ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("java-cpu")).findFirst()
                .orElseThrow(() -> new AssertionError("java-cpu backend not on the test class path"));
    }

    private static double compare(SyntheticCheckpoint spec, ForwardBatchFactory batches) {
        double worst = 0;
        try (var fx = CheckpointFixtures.open(spec);
             Backend onnx = new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withThreads(2));
             Backend cpu = javaCpu().open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withThreads(2))) {
            int vocab = fx.model().spec().vocabSize();
            for (ForwardBatch fb : batches.make(vocab)) {
                Logits a = onnx.forward(fb);
                Logits b = cpu.forward(fb);
                assertEquals(b.rows(), a.rows());
                float[] ref = b.data();
                double err = Batches.maxRelError(fb, a.data(), vocab, (r, v) -> ref[r * vocab + v]);
                worst = Math.max(worst, err);
            }
        }
        return worst;
    }

    interface ForwardBatchFactory {
        ForwardBatch[] make(int vocab);
    }

    @Test
    void fp32LogitsMatchJavaCpuIncludingALeftPaddedBatch() {
        SyntheticCheckpoint spec = SyntheticCheckpoint.builder().layers(3).hidden(96).intermediate(160).heads(6).kvHeads(2)
                .dtype(DType.F32).seed(17).build();
        double err = compare(spec, vocab -> new ForwardBatch[]{
                Batches.leftPadded(vocab, 24, 1, 0),
                Batches.leftPadded(vocab, 20, 2, 0, 7, 13),
        });
        System.out.printf("onnx vs java-cpu (fp32, batch with left padding): max relative error %.3e%n", err);
        assertTrue(err <= 1e-4, "max relative error " + err);
    }

    @Test
    void bf16LogitsMatchJavaCpu() {
        SyntheticCheckpoint spec = SyntheticCheckpoint.builder().dtype(DType.BF16).seed(4).build();
        double err = compare(spec, vocab -> new ForwardBatch[]{Batches.leftPadded(vocab, 16, 3, 5, 0)});
        System.out.printf("onnx vs java-cpu (bf16 weights): max relative error %.3e%n", err);
        assertTrue(err <= 1e-4, "max relative error " + err);
    }

    /**
     * Both backends' caches, refreshed on one canvas then asked for windows of a changed canvas (tokens rewritten
     * inside and outside the window): the approximations agree. Skipped while the java-cpu on the class path has no
     * cache.
     */
    @Test
    void staleCacheWindowsMatchJavaCpu() {
        SyntheticCheckpoint spec = SyntheticCheckpoint.builder().layers(3).hidden(96).intermediate(160).heads(6).kvHeads(2)
                .dtype(DType.F32).seed(19).build();
        try (var fx = CheckpointFixtures.open(spec);
             Backend onnx = new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withThreads(2));
             Backend cpu = javaCpu().open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withThreads(2))) {
            org.junit.jupiter.api.Assumptions.assumeTrue(cpu.capabilities().kvCache(), "java-cpu declares no cache");
            int vocab = fx.model().spec().vocabSize();
            int len = 16;
            ForwardBatch old = Batches.leftPadded(vocab, len, 5, 0, 5);
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(8);
            double worst = 0;
            for (int[] w : new int[][]{{4, 8}, {8, len}, {0, 4}}) {
                int[] tokens = new int[2 * len];
                int[] pos = new int[2 * len];
                boolean[] vis = new boolean[2 * len];
                int[] rows = new int[2 * (w[1] - w[0])];
                int at = 0;
                for (int i = 0; i < 2 * len; i++) {
                    int b = i / len;
                    int j = i % len;
                    tokens[i] = rnd.nextInt(2) == 0 ? rnd.nextInt(vocab) : old.token(b, j);
                    pos[i] = old.position(b, j);
                    vis[i] = old.isVisible(b, j);
                    if (j >= w[0] && j < w[1]) {
                        rows[at++] = i;
                    }
                }
                ForwardBatch now = ForwardBatch.of(2, len, tokens, pos, vis, rows);
                try (var a = onnx.openCache(2, len); var c = cpu.openCache(2, len)) {
                    a.refresh(old);
                    c.refresh(old);
                    float[] ref = c.window(now, w[0], w[1]).data();
                    double err = Batches.maxRelError(now, a.window(now, w[0], w[1]).data(), vocab, (r, v) -> ref[r * vocab + v]);
                    worst = Math.max(worst, err);
                }
            }
            System.out.printf("onnx cache vs java-cpu cache (stale windows, padded batch): max relative error %.3e%n", worst);
            assertTrue(worst <= 1e-4, "max relative error " + worst);
        }
    }
}
