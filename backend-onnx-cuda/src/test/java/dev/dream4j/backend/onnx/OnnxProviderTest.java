package dev.dream4j.backend.onnx;

import dev.dream4j.api.BackendException;
import dev.dream4j.backend.onnx.graph.DecoderGraph;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.DType;
import org.junit.jupiter.api.Test;

import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery, device selection and typed errors. */
class OnnxProviderTest {

    @Test
    void discoveredThroughServiceLoader() {
        BackendProvider onnx = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("onnx")).findFirst().orElseThrow();
        assertTrue(onnx.isAvailable());
        assertEquals(5, onnx.priority());
        assertFalse(onnx.description().isBlank());
    }

    @Test
    void unknownDeviceIsRejectedBeforeAnyNativeCode() {
        var e = assertThrows(BackendException.class, () -> OnnxDevice.parse("tpu"));
        assertTrue(e.getMessage().contains("cpu, cuda, cuda:N or auto"), e.getMessage());
        assertThrows(BackendException.class, () -> OnnxDevice.parse("cuda:x"));
        assertEquals(new OnnxDevice.Request(OnnxDevice.Kind.CUDA, 3), OnnxDevice.parse("CUDA:3"));
        assertEquals(OnnxDevice.Kind.CPU, OnnxDevice.parse(null).kind());
    }

    @Test
    void explicitCudaWithoutTheCudaProviderNamesTheMissingLibrary() {
        if (OnnxDevice.cudaProviderPresent()) {
            return; // a GPU build of ONNX Runtime: nothing to check here
        }
        try (var fx = CheckpointFixtures.tiny()) {
            var e = assertThrows(BackendException.class, () -> new OnnxBackendProvider()
                    .open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withDevice("cuda:0")));
            assertTrue(e.getMessage().contains("libonnxruntime_providers_cuda.so"), e.getMessage());
            assertTrue(e.getMessage().contains("onnxruntime_gpu"), e.getMessage());
        }
    }

    @Test
    void autoFallsBackToCpu() {
        try (var fx = CheckpointFixtures.tiny();
             Backend b = new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withDevice("auto").withThreads(1))) {
            if (!OnnxDevice.cudaProviderPresent()) {
                assertEquals("cpu", ((OnnxBackend) b).device().toString());
            }
            assertEquals(2, b.forward(ForwardBatch.single(new int[]{1, 2, 3}, new int[]{0, 2})).rows());
        }
    }

    @Test
    void everyOptimisationLevelGivesTheSameLogits() {
        try (var fx = CheckpointFixtures.open(SyntheticCheckpoint.builder().dtype(DType.F16).build())) {
            ForwardBatch fb = Batches.leftPadded(fx.model().spec().vocabSize(), 6, 1, 0, 2);
            float[] first = null;
            for (String level : new String[]{"all", "none", "basic", "extended"}) {
                var opts = new BackendOptions(java.util.OptionalInt.of(1), java.util.Optional.empty(),
                        java.util.Map.of(OnnxSessions.OPTIMIZATION, level));
                try (Backend b = new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), opts)) {
                    float[] got = b.forward(fb).data();
                    if (first == null) {
                        first = got;
                    } else {
                        for (int i = 0; i < got.length; i++) {
                            assertEquals(first[i], got[i], 1e-4f * Math.max(1f, Math.abs(first[i])), level);
                        }
                    }
                }
            }
            var bad = new BackendOptions(java.util.OptionalInt.empty(), java.util.Optional.empty(),
                    java.util.Map.of(OnnxSessions.OPTIMIZATION, "max"));
            assertThrows(BackendException.class, () -> new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), bad));
        }
    }

    @Test
    void weightBeyondOneDirectBufferIsATypedError() {
        // checked before any byte is read, so no checkpoint is needed
        long[] shape = {152064, 3584};
        var huge = new DecoderGraph.Weight("lm_head.weight", "lm_head.weight", shape, DecoderGraph.Kind.FP32, shape, 0);
        var e = assertThrows(WeightTooLargeException.class, () -> new WeightData(null).direct(huge));
        assertEquals("lm_head.weight", e.tensor());
        assertEquals(152064L * 3584 * 4, e.bytes());
    }
}
