package dev.dream4j.infill.dreamon;

import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.InfillResult;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.conformance.InfillHarness.Recorder;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.infill.InfillStrategyProvider;
import dev.dream4j.spi.infill.InfillTask;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.ConfidenceSelector;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.SamplingParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.random.RandomGeneratorFactory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strategies on a synthetic Dream checkpoint through the real java-cpu backend. */
class JavaCpuEndToEndTest {
    static CheckpointFixtures.Opened dreamOn;
    static CheckpointFixtures.Opened plain;
    static Backend dreamOnBackend;
    static Backend plainBackend;

    static BackendProvider javaCpu() {
        return ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("java-cpu")).findFirst().orElseThrow();
    }

    @BeforeAll
    static void open() {
        dreamOn = CheckpointFixtures.open(SyntheticCheckpoint.builder().seed(7).build());
        plain = CheckpointFixtures.open(SyntheticCheckpoint.builder().seed(7).expandToken(false).build());
        BackendOptions one = BackendOptions.defaults().withThreads(1);
        dreamOnBackend = javaCpu().open(dreamOn.model(), dreamOn.checkpoint(), one);
        plainBackend = javaCpu().open(plain.model(), plain.checkpoint(), one);
    }

    @AfterAll
    static void close() {
        dreamOnBackend.close();
        plainBackend.close();
        dreamOn.close();
        plain.close();
    }

    static final int[] PREFIX = {5, 6, 7, 8};
    static final int[] SUFFIX = {9, 10};

    static InfillTask task(Backend b, int m0, int maxNew, double temperature, long seed, Recorder rec) {
        SamplingParams params = new SamplingParams(temperature, OptionalDouble.empty(), OptionalInt.empty(), 0, 1e-3, 0, 16);
        // temperature 0 is marked greedy by the temperature processor, the temperature's owner
        List<LogitsProcessor> processors = temperature <= 0 ? List.of((step, logits) -> logits.makeGreedy()) : List.of();
        return new InfillTask(b, PREFIX, SUFFIX, m0, maxNew, 1, OptionalInt.empty(), false,
                new ConfidenceSelector(Confidence.ENTROPY, 0), params, processors,
                RandomGeneratorFactory.of("L64X128MixRandom").create(seed), rec,
                ids -> Arrays.toString(ids));
    }

    static void checkRun(ModelDescription model, InfillResult r, Recorder rec, int maxMiddle) {
        int mask = model.tokens().mask();
        int head = (model.tokens().bos().isPresent() ? 1 : 0) + PREFIX.length;
        assertTrue(r.middleIds().size() <= maxMiddle, "middle " + r.middleIds());
        assertFalse(r.middleIds().contains(mask), "masks left: " + r.middleIds());
        assertEquals(r.steps(), rec.steps().size());
        for (DenoisingStep s : rec.steps()) {
            List<Integer> c = s.canvas().getFirst();
            assertEquals(Arrays.stream(PREFIX).boxed().toList(), c.subList(head - PREFIX.length, head));
            assertEquals(List.of(9, 10, model.tokens().eos()), c.subList(c.size() - 3, c.size()));
            assertTrue(c.size() <= head + maxMiddle + 3);
        }
        List<Integer> last = rec.steps().getLast().canvas().getFirst();
        assertEquals(last.subList(head, last.size() - 3), r.middleIds());
        assertEquals(Arrays.toString(r.middleIds().stream().mapToInt(Integer::intValue).toArray()), r.middle());
    }

    @Test
    void dreamOnRunsAndIsDeterministic() {
        InfillStrategyProvider p = new DreamOnInfillProvider();
        assertTrue(p.supports(dreamOn.model()));
        Recorder rec = new Recorder();
        InfillResult r = p.create().infill(task(dreamOnBackend, 3, 8, 0, 1, rec));
        checkRun(dreamOn.model(), r, rec, 8);
        Recorder again = new Recorder();
        assertEquals(r, p.create().infill(task(dreamOnBackend, 3, 8, 0, 1, again)));
        assertEquals(rec.steps(), again.steps());
        // sampled, seeded
        Recorder s1 = new Recorder();
        InfillResult a = p.create().infill(task(dreamOnBackend, 2, 6, 1.0, 99, s1));
        checkRun(dreamOn.model(), a, s1, 6);
        assertEquals(a, p.create().infill(task(dreamOnBackend, 2, 6, 1.0, 99, new Recorder())));
    }

    @Test
    void evalVariantRuns() {
        Recorder rec = new Recorder();
        InfillResult r = new DreamOnEvalInfillProvider().create().infill(task(dreamOnBackend, 2, 6, 0, 1, rec));
        assertTrue(r.steps() <= 16);
        if (!r.middleIds().contains(dreamOn.model().tokens().mask())) {
            checkRun(dreamOn.model(), r, rec, 6);
        }
    }

    @Test
    void fixedRunsOnACheckpointWithoutExpand() {
        assertFalse(new DreamOnInfillProvider().supports(plain.model()));
        assertFalse(new DreamOnEvalInfillProvider().supports(plain.model()));
        InfillStrategyProvider p = new FixedInfillProvider();
        assertTrue(p.supports(plain.model()));
        Recorder rec = new Recorder();
        InfillResult r = p.create().infill(task(plainBackend, 3, 3, 0, 1, rec));
        assertEquals(3, r.middleIds().size());
        assertEquals(3, r.steps());
        checkRun(plain.model(), r, rec, 3);
    }

    /**
     * The loop runs each forward over the live window only; the reference runs the whole capacity with the tail
     * hidden by the pairwise mask (positions 1 there). Both must give the same logits for the masked slots.
     */
    @Test
    void trimmedWindowEqualsHiddenTail() {
        ModelDescription m = dreamOn.model();
        int bos = m.tokens().bos().orElseThrow();
        int mask = m.tokens().mask();
        int eos = m.tokens().eos();
        int[] window = {bos, 5, 6, 7, 8, mask, mask, mask, 9, 10, eos};
        int w = window.length;
        int capacity = w + 5;
        int[] full = Arrays.copyOf(window, capacity);
        Arrays.fill(full, w, capacity, eos);
        int[] pos = new int[capacity];
        boolean[] visible = new boolean[capacity];
        for (int j = 0; j < capacity; j++) {
            pos[j] = j < w ? j : 1;
            visible[j] = j < w;
        }
        int[] rows = {4, 5, 6};
        Logits trimmed = dreamOnBackend.forward(ForwardBatch.single(window, rows));
        Logits hidden = dreamOnBackend.forward(ForwardBatch.of(1, capacity, full, pos, visible, rows));
        float[] a = trimmed.data();
        float[] b = hidden.data();
        assertEquals(a.length, b.length);
        float maxAbs = 0;
        float maxDiff = 0;
        for (int i = 0; i < a.length; i++) {
            maxAbs = Math.max(maxAbs, Math.abs(a[i]));
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
        }
        assertTrue(maxDiff <= 1e-4f * Math.max(1f, maxAbs), "trimmed vs hidden tail differ by " + maxDiff);
        assertArrayEquals(new int[]{3, 3}, new int[]{rows.length, trimmed.rows()});
    }
}
