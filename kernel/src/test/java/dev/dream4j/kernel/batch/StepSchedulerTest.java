package dev.dream4j.kernel.batch;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendCapabilities;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.ModelDescription;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scheduler's merging and splitting, with a backend whose row logits depend only on that row's visible slots (as a
 * real decoder's do), so a merged forward must give each member exactly the logits it gets alone.
 */
class StepSchedulerTest {
    static final int VOCAB = 11;
    static final int PAD = 9;
    /** A step containing this token fails in the backend. */
    static final int POISON = 10;
    /** Long enough that a test's members always gather into one forward. */
    static final Duration PATIENT = Duration.ofSeconds(30);

    static ModelDescription model() {
        return dev.dream4j.kernel.ScriptedModels.describe(VOCAB, 8, PAD, 1, 256);
    }

    /** Logit v of slot (b, j) mixes the visible (token, position) pairs of row b with j's own; records batch sizes. */
    static final class RowLocalBackend implements Backend {
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

        @Override
        public ModelDescription model() {
            return StepSchedulerTest.model();
        }

        @Override
        public BackendCapabilities capabilities() {
            return new BackendCapabilities(64, true, false, Set.of());
        }

        @Override
        public Logits forward(ForwardBatch batch) {
            batchSizes.add(batch.batch());
            Logits out = Logits.allocate(batch.rowCount(), VOCAB);
            for (int r = 0; r < batch.rowCount(); r++) {
                int b = batch.row(r) / batch.length();
                int j = batch.row(r) % batch.length();
                long context = 0;
                for (int k = 0; k < batch.length(); k++) {
                    if (batch.isVisible(b, k)) {
                        if (batch.token(b, k) == POISON) {
                            throw new InvalidRequestException("input_ids", "poisoned step");
                        }
                        context = context * 31 + batch.token(b, k) * 7L + batch.position(b, k);
                    }
                }
                for (int v = 0; v < VOCAB; v++) {
                    out.data()[out.offset(r) + v] = (float) Math.sin(context * 0.001 + v + batch.token(b, j) * 0.1 + batch.position(b, j));
                }
            }
            return out;
        }

        @Override
        public void close() {
        }
    }

    /** One step of a generation: {@code rows} canvases of {@code length} slots, logits for a few slots. */
    static ForwardBatch step(int rows, int length, int pad, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] tokens = new int[rows * length];
        int[] positions = new int[rows * length];
        boolean[] visible = pad > 0 ? new boolean[rows * length] : null;
        List<Integer> wanted = new ArrayList<>();
        for (int b = 0; b < rows; b++) {
            for (int j = 0; j < length; j++) {
                int slot = b * length + j;
                boolean padded = b == 0 && j < pad;
                tokens[slot] = padded ? PAD : random.nextInt(POISON);
                positions[slot] = padded ? 1 : (b == 0 ? j - pad : j);
                if (visible != null) {
                    visible[slot] = !padded;
                }
                if (j % 3 == 1) {
                    wanted.add(slot);
                }
            }
        }
        return ForwardBatch.of(rows, length, tokens, positions, visible, wanted.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void membersGetTheirOwnLogitsFromOneSharedForward() throws Exception {
        RowLocalBackend backend = new RowLocalBackend();
        StepScheduler scheduler = new StepScheduler(backend, 16, PATIENT);
        List<StepScheduler.Member> members = assertSharedEqualsAlone(backend, scheduler,
                List.of(step(1, 5, 0, 1), step(2, 9, 3, 2), step(1, 13, 0, 3), step(3, 4, 1, 4)));
        assertEquals(List.of(7), backend.batchSizes, "all four steps (7 canvas rows) in one forward");
        StepScheduler.Stats stats = scheduler.stats();
        assertEquals(1, stats.sharedForwards());
        assertEquals(7, stats.rows());
        members.forEach(StepScheduler.Member::close);
        assertEquals(0, scheduler.stats().activeGenerations());
    }

    @Test
    void aForwardHoldsAtMostMaxRows() throws Exception {
        RowLocalBackend backend = new RowLocalBackend();
        StepScheduler scheduler = new StepScheduler(backend, 4, PATIENT);
        assertSharedEqualsAlone(backend, scheduler, List.of(step(2, 6, 0, 5), step(2, 7, 2, 6), step(2, 8, 0, 7), step(3, 5, 0, 8)));
        assertTrue(backend.batchSizes.stream().allMatch(n -> n <= 4), "forwards of " + backend.batchSizes);
        assertEquals(9, backend.batchSizes.stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void aFailingStepFailsOnlyItsOwnGeneration() throws Exception {
        RowLocalBackend backend = new RowLocalBackend();
        StepScheduler scheduler = new StepScheduler(backend, 16, PATIENT);
        ForwardBatch good = step(1, 6, 0, 9);
        ForwardBatch bad = step(1, 6, 0, 10);
        int[] poisoned = new int[6];
        for (int j = 0; j < 6; j++) {
            poisoned[j] = bad.token(0, j);
        }
        poisoned[2] = POISON;
        bad = ForwardBatch.single(poisoned, new int[]{1, 4});
        float[] expected = backend.forward(good).data();
        List<StepScheduler.Member> members = List.of(scheduler.join(), scheduler.join());
        try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
            Future<float[]> ok = pool.submit(() -> members.get(0).forward(good).data());
            ForwardBatch badStep = bad;
            Future<float[]> failed = pool.submit(() -> members.get(1).forward(badStep).data());
            assertArrayEquals(expected, ok.get(30, TimeUnit.SECONDS));
            ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(30, TimeUnit.SECONDS));
            assertInstanceOf(InvalidRequestException.class, e.getCause());
        }
    }

    @Test
    void aLeavingGenerationIsNotWaitedFor() throws Exception {
        RowLocalBackend backend = new RowLocalBackend();
        StepScheduler scheduler = new StepScheduler(backend, 16, PATIENT);
        StepScheduler.Member staying = scheduler.join();
        StepScheduler.Member leaving = scheduler.join();
        ForwardBatch s = step(1, 5, 0, 11);
        float[] expected = backend.forward(s).data();
        try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Future<float[]> f = pool.submit(() -> staying.forward(s).data());
            // The step waits for the other member's step (the window is long) until that member leaves.
            leaving.close();
            assertArrayEquals(expected, f.get(30, TimeUnit.SECONDS));
        }
        staying.close();
        assertThrows(IllegalStateException.class, () -> staying.forward(s));
    }

    /** Runs each step alone, then all at once as members; each member must get its alone logits. Returns the members. */
    private static List<StepScheduler.Member> assertSharedEqualsAlone(RowLocalBackend backend, StepScheduler scheduler,
                                                                      List<ForwardBatch> steps) throws Exception {
        List<float[]> alone = steps.stream().map(s -> backend.forward(s).data()).toList();
        backend.batchSizes.clear();
        List<StepScheduler.Member> members = steps.stream().map(s -> scheduler.join()).toList();
        List<float[]> shared = runConcurrently(steps, members);
        for (int i = 0; i < steps.size(); i++) {
            assertArrayEquals(alone.get(i), shared.get(i), "member " + i + " logits differ from running alone");
        }
        return members;
    }

    private static List<float[]> runConcurrently(List<ForwardBatch> steps, List<StepScheduler.Member> members) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(steps.size())) {
            List<Future<float[]>> futures = new ArrayList<>();
            for (int i = 0; i < steps.size(); i++) {
                int k = i;
                futures.add(pool.submit(() -> members.get(k).forward(steps.get(k)).data()));
            }
            List<float[]> out = new ArrayList<>();
            for (Future<float[]> f : futures) {
                out.add(f.get(30, TimeUnit.SECONDS));
            }
            return out;
        }
    }
}
