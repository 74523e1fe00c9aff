package dev.dream4j.backend.onnx;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.DType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Native resources: every tensor, result and session is closed, so RSS stays flat over many forwards. */
class OnnxResourceTest {

    @Test
    void rssStaysFlatOverAThousandSmallForwards() {
        try (var fx = CheckpointFixtures.open(SyntheticCheckpoint.builder().dtype(DType.F32).build());
             Backend b = new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withThreads(1))) {
            int vocab = fx.model().spec().vocabSize();
            ForwardBatch fb = Batches.leftPadded(vocab, 16, 1, 0, 5);
            for (int i = 0; i < 200; i++) {
                b.forward(fb);
            }
            // the first rounds grow the Java heap (touching pages) and ORT's arena; a leak keeps growing after
            long[] rss = new long[6];
            double ms = 0;
            for (int round = 0; round < rss.length; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < 1000; i++) {
                    b.forward(fb);
                }
                ms = (System.nanoTime() - start) / 1e6 / 1000;
                System.gc();
                rss[round] = Rss.kib();
            }
            long heap = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024;
            // GC and the allocator make RSS swing by up to ~100 MB between rounds, so compare the lowest of the last
            // three rounds with the highest of rounds 2-3: leaking the per-forward tensors (~40 KB) would add >= 40 MB
            long settled = Math.max(rss[1], rss[2]);
            long late = Math.min(rss[3], Math.min(rss[4], rss[5]));
            System.out.printf("RSS after each 1000 forwards (batch 2 x 16): %s KiB; lowest of last 3000 vs settled: %+d KiB; heap in use %d KiB; %.3f ms/forward%n",
                    java.util.Arrays.toString(rss), late - settled, heap, ms);
            if (rss[0] > 0) {
                assertTrue(late - settled < 16 * 1024, "RSS grew by " + (late - settled) + " KiB over the last 3000 forwards");
            }
        }
    }

    @Test
    void openAndCloseRepeatedlyDoesNotLeakNativeMemory() {
        try (var fx = CheckpointFixtures.open(SyntheticCheckpoint.builder().dtype(DType.F32).build())) {
            ForwardBatch fb = ForwardBatch.single(new int[]{1, 2, 3, 4}, new int[]{3});
            for (int i = 0; i < 5; i++) {
                try (Backend b = new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withThreads(1))) {
                    b.forward(fb);
                }
            }
            System.gc();
            long before = Rss.kib();
            for (int i = 0; i < 30; i++) {
                try (Backend b = new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), BackendOptions.defaults().withThreads(1))) {
                    b.forward(fb);
                }
            }
            System.gc();
            long after = Rss.kib();
            System.out.printf("RSS over 30 open/forward/close cycles: %d KiB -> %d KiB (%+d KiB)%n", before, after, after - before);
            if (before > 0) {
                assertTrue(after - before < 48 * 1024, "RSS grew by " + (after - before) + " KiB over 30 sessions");
            }
        }
    }
}
