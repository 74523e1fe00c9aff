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
}
