package dev.dream4j.backend.onnx;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.conformance.ReferenceDecoder;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.KvCache;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.DType;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The onnx backend's {@link KvCache}: a window right after a refresh reproduces the full forward; after the canvas
 * changes, a window equals an independent double-precision forward that uses the old canvas's keys and values
 * (layer by layer) outside the window; left padding; memory released on close.
 */
class OnnxKvCacheTest {
    static final double TOLERANCE = 1e-4;
    private static final int LEN = 16;

    private static CheckpointFixtures.Opened fixture;
    private static Backend backend;
    private static ReferenceDecoder reference;

    @BeforeAll
    static void open() {
        fixture = CheckpointFixtures.open(SyntheticCheckpoint.builder().dtype(DType.F32).seed(13).build());
        backend = new OnnxBackendProvider().open(fixture.model(), fixture.checkpoint(), BackendOptions.defaults().withThreads(2));
        reference = new ReferenceDecoder(fixture.model(), fixture.checkpoint());
    }

    @AfterAll
    static void close() {
        if (backend != null) {
            backend.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private static int vocab() {
        return fixture.model().spec().vocabSize();
    }

    /** The same canvas, asking for every slot of [from, to) of every row. */
    private static ForwardBatch windowRows(ForwardBatch fb, int from, int to) {
        int[] rows = new int[fb.batch() * (to - from)];
        int at = 0;
        for (int b = 0; b < fb.batch(); b++) {
            for (int j = from; j < to; j++) {
                rows[at++] = b * fb.length() + j;
            }
        }
        return copy(fb, rows, null);
    }

    /** A copy of {@code fb} with other rows and, where {@code tokens} is not null, other tokens. */
    private static ForwardBatch copy(ForwardBatch fb, int[] rows, int[] tokens) {
        int n = fb.batch() * fb.length();
        int[] t = new int[n];
        int[] p = new int[n];
        boolean[] vis = new boolean[n];
        for (int i = 0; i < n; i++) {
            t[i] = fb.token(i / fb.length(), i % fb.length());
            p[i] = fb.position(i / fb.length(), i % fb.length());
            vis[i] = fb.isVisible(i / fb.length(), i % fb.length());
        }
        return ForwardBatch.of(fb.batch(), fb.length(), tokens != null ? tokens : t, p, fb.hasMask() ? vis : null, rows);
    }

    /** max |a - b| / max |b| over two logits arrays of the same shape. */
    private static double relError(float[] actual, float[] expected) {
        assertEquals(expected.length, actual.length);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < expected.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }

    private static void allFinite(Logits l) {
        for (float f : l.data()) {
            assertTrue(Float.isFinite(f), "non-finite logit");
        }
    }

    @Test
    void capabilitiesDeclareTheCache() {
        assertTrue(backend.capabilities().kvCache());
        try (KvCache c = backend.openCache(1, 4)) {
            assertInstanceOf(OnnxKvCache.class, c);
        }
    }

    /** Windows of a single row and of a left-padded batch, each right after a refresh: the full forward's logits. */
    @Test
    void windowAfterRefreshEqualsTheFullForward() {
        double worst = 0;
        for (ForwardBatch canvas : new ForwardBatch[]{Batches.leftPadded(vocab(), LEN, 3, 0), Batches.leftPadded(vocab(), LEN, 5, 4, 0, 9)}) {
            Logits full = backend.forward(canvas);
            try (KvCache cache = backend.openCache(canvas.batch(), LEN)) {
                Logits refreshed = cache.refresh(canvas);
                double r = relError(refreshed.data(), full.data());
                assertTrue(r <= 1e-6, "refresh differs from forward by " + r);
                int[][] windows = {{4, 8}, {8, LEN}, {0, LEN}, {0, 4}, {12, LEN}, {9, 10}};
                for (int[] w : windows) {
                    ForwardBatch fb = windowRows(canvas, w[0], w[1]);
                    Logits got = cache.window(fb, w[0], w[1]);
                    allFinite(got);
                    Logits want = backend.forward(fb);
                    double err = relError(got.data(), want.data());
                    worst = Math.max(worst, err);
                    assertTrue(err <= TOLERANCE, "window [" + w[0] + ", " + w[1] + ") of batch " + canvas.batch() + ": " + err);
                }
            }
        }
        System.out.printf("cache window right after refresh vs full forward: max relative error %.3e%n", worst);
    }

    /**
     * Changes tokens inside the window and outside it; the window's logits must equal a double-precision forward
     * whose keys and values outside the window are the old canvas's, at every layer (tokens changed outside the
     * window do not matter until the next refresh).
     */
    private static double staleCheck(ForwardBatch old, int from, int to, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = old.batch() * LEN;
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = rnd.nextInt(3) == 0 ? rnd.nextInt(vocab()) : old.token(i / LEN, i % LEN);
        }
        for (int b = 0; b < old.batch(); b++) {
            tokens[b * LEN + from] = (old.token(b, from) + 1) % vocab(); // at least one change in the window per row
        }
        ForwardBatch now = windowRows(copy(old, new int[0], tokens), from, to);
        double[][] want = reference.window(old, now, from, to);
        try (KvCache cache = backend.openCache(old.batch(), LEN)) {
            cache.refresh(old);
            Logits got = cache.window(now, from, to);
            allFinite(got);
            double err = Batches.maxRelError(now, got.data(), vocab(), (r, v) -> want[r][v]);
            // the stale keys matter: a fresh forward of the new canvas is measurably different
            Logits fresh = backend.forward(now);
            double freshVsStale = Batches.maxRelError(now, fresh.data(), vocab(), (r, v) -> want[r][v]);
            System.out.printf("window [%d, %d) with stale keys (batch %d) vs double reference: max relative error %.3e"
                    + " (a fresh forward differs by %.3e)%n", from, to, old.batch(), err, freshVsStale);
            assertTrue(err <= TOLERANCE, "stale-key window differs by " + err);
            assertTrue(freshVsStale > 100 * TOLERANCE, "the check cannot tell stale from fresh keys: " + freshVsStale);
            // the cache is not changed by a window: the same window again gives the same logits
            Logits again = cache.window(now, from, to);
            assertEquals(0.0, relError(again.data(), got.data()));
            return err;
        }
    }

    @Test
    void windowUsesTheRefreshedKeysOutsideIt() {
        ForwardBatch old = Batches.leftPadded(vocab(), LEN, 21, 0);
        staleCheck(old, 4, 8, 1);   // dual cache
        staleCheck(old, 8, LEN, 2); // prefix cache
        staleCheck(old, 0, 4, 3);
    }

    @Test
    void leftPaddedBatchWithStaleKeys() {
        ForwardBatch old = Batches.leftPadded(vocab(), LEN, 22, 4, 0, 11);
        staleCheck(old, 8, 12, 4);
        staleCheck(old, 2, 6, 5); // the window covers pads of two rows: hidden queries stay finite
        staleCheck(old, 12, LEN, 6);
    }

    @Test
    void hiddenRowsInsideTheWindowStayFinite() {
        ForwardBatch canvas = Batches.leftPadded(vocab(), LEN, 9, 10, 2);
        try (KvCache cache = backend.openCache(2, LEN)) {
            cache.refresh(canvas);
            Logits got = cache.window(windowRows(canvas, 6, 12), 6, 12);
            allFinite(got);
            Logits want = backend.forward(windowRows(canvas, 6, 12));
            assertTrue(relError(got.data(), want.data()) <= TOLERANCE);
        }
    }

    @Test
    void refreshWithNoRowsStillFillsTheCache() {
        ForwardBatch canvas = Batches.leftPadded(vocab(), LEN, 31, 0);
        try (KvCache cache = backend.openCache(1, LEN)) {
            assertEquals(0, cache.refresh(copy(canvas, new int[0], null)).rows());
            ForwardBatch fb = windowRows(canvas, 3, 7);
            assertTrue(relError(cache.window(fb, 3, 7).data(), backend.forward(fb).data()) <= TOLERANCE);
            assertEquals(0, cache.window(copy(canvas, new int[0], null), 3, 7).rows());
        }
    }

    @Test
    void misuseIsATypedError() {
        ForwardBatch canvas = Batches.leftPadded(vocab(), LEN, 41, 0, 3);
        try (KvCache cache = backend.openCache(2, LEN)) {
            assertThrows(IllegalStateException.class, () -> cache.window(windowRows(canvas, 0, 4), 0, 4), "window before refresh");
            cache.refresh(canvas);
            var rows = assertThrows(InvalidRequestException.class, () -> cache.window(copy(canvas, new int[]{LEN + 5}, null), 6, 10));
            assertEquals("rows", rows.parameter());
            assertThrows(InvalidRequestException.class, () -> cache.window(windowRows(canvas, 4, 4), 4, 4));
            assertThrows(InvalidRequestException.class, () -> cache.window(windowRows(canvas, 0, 4), -1, 4));
            assertThrows(InvalidRequestException.class, () -> cache.window(windowRows(canvas, 0, 4), 0, LEN + 1));
            var shape = assertThrows(InvalidRequestException.class,
                    () -> cache.refresh(Batches.leftPadded(vocab(), LEN, 41, 0)));
            assertEquals("batch", shape.parameter());
            int[] bad = new int[2 * LEN];
            bad[3] = vocab();
            assertThrows(InvalidRequestException.class, () -> cache.window(copy(canvas, new int[]{3}, bad), 0, 4));
        }
        assertThrows(InvalidRequestException.class, () -> backend.openCache(0, 4));
        assertThrows(InvalidRequestException.class, () -> backend.openCache(1, 0));
    }

    @Test
    void closeReleasesTheMemory() {
        ForwardBatch canvas = Batches.leftPadded(vocab(), LEN, 51, 0, 2);
        OnnxKvCache cache = (OnnxKvCache) backend.openCache(2, LEN);
        var s = fixture.model().spec();
        long layer = 2L * s.numKvHeads() * LEN * s.headDim() * Float.BYTES;
        assertEquals(2 * s.numLayers() * layer, cache.nativeBytes());
        cache.refresh(canvas);
        cache.window(windowRows(canvas, 4, 8), 4, 8);
        assertTrue(cache.nativeBytes() > 2 * s.numLayers() * layer, "past scratch allocated");
        cache.close();
        assertEquals(0, cache.nativeBytes());
        assertThrows(IllegalStateException.class, () -> cache.refresh(canvas));
        assertThrows(IllegalStateException.class, () -> cache.window(windowRows(canvas, 4, 8), 4, 8));
        cache.close(); // idempotent
    }

    /** 40 caches of 4 x 512 slots (2 MiB native each with the past scratch), each closed: RSS stays flat. */
    @Test
    void rssStaysFlatOverManyCaches() {
        int len = 512;
        int batch = 4;
        int[] tokens = new int[batch * len];
        int[] pos = new int[batch * len];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = rnd.nextInt(vocab());
            pos[i] = i % len;
        }
        ForwardBatch full = ForwardBatch.of(batch, len, tokens, pos, null, new int[]{0});
        ForwardBatch window = ForwardBatch.of(batch, len, tokens, pos, null, new int[]{len + 100});
        long bytes = 0;
        long[] rss = new long[4];
        for (int round = 0; round < rss.length; round++) {
            for (int i = 0; i < 10; i++) {
                try (OnnxKvCache cache = (OnnxKvCache) backend.openCache(batch, len)) {
                    cache.refresh(full);
                    cache.window(window, 96, 128);
                    bytes = cache.nativeBytes();
                }
            }
            System.gc();
            rss[round] = Rss.kib();
        }
        System.out.printf("cache of %d x %d slots: %d KiB native; RSS after each 10 open/refresh/window/close: %s KiB%n",
                batch, len, bytes / 1024, java.util.Arrays.toString(rss));
        if (rss[0] > 0) {
            // leaking every cache would add 30 x 2 MiB over the last three rounds
            assertTrue(rss[3] - rss[0] < 32 * 1024, "RSS grew by " + (rss[3] - rss[0]) + " KiB over 30 caches");
        }
    }
}
