package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepInfo;
import dev.dream4j.spi.sampling.TokenMath;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import static dev.dream4j.samplers.Fixtures.DROP;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessorsTest {
    private static final StepInfo FIRST = new StepInfo(0, 8, 1f, 0.875f);

    private static LogitsProcessor create(LogitsProcessorProvider p, OptionalDouble topP, OptionalInt topK, double t, double pad) {
        return p.create(Fixtures.params(t, topP, topK, pad), Fixtures.model(8, 2)).orElseThrow();
    }

    private static float[] run(LogitsProcessor p, StepInfo info, float... row) {
        MaskedLogits m = Fixtures.rows(new int[]{0}, row.clone());
        p.process(info, m);
        return m.logits().data();
    }

    @Test
    void padPenaltyAtTheFirstStepIsThreeLnOneThousandth() {
        LogitsProcessor p = create(new PadPenaltyProcessorProvider(), OptionalDouble.empty(), OptionalInt.empty(), 0, 3.0);
        MaskedLogits m = Fixtures.rows(new int[]{4, 5}, new float[]{1, 2, 3, 4, 5, 6, 7, 8}, new float[8]);
        p.process(FIRST, m);
        // t = 1: 3 * ln(1 - 1 + 0.001) = 3 * -6.907755 = -20.723266
        assertEquals(3f - 20.723266f, m.logits().get(0, 2), 1e-4);
        assertEquals(-20.723266f, m.logits().get(1, 2), 1e-4);
        for (int v : new int[]{0, 1, 3, 7}) {
            assertEquals(v + 1f, m.logits().get(0, v), "only the pad column changes");
        }
    }

    @Test
    void padPenaltyAtTheLastStepIsAlmostZero() {
        LogitsProcessor p = create(new PadPenaltyProcessorProvider(), OptionalDouble.empty(), OptionalInt.empty(), 0, 3.0);
        // 512 steps: t = ts[511] = 0.001 + 0.999/512 = 0.0029511719; 1 - t + 0.001 = 0.9980488; ln = -0.0019531;
        // times 3 = -0.0058594 (about 3 ln(1 - 1/512))
        StepInfo last = Schedule.step(Schedule.timesteps(512, 1e-3), 511);
        assertEquals(0.0029511719f, last.t(), 1e-8);
        float[] out = run(p, last, new float[8]);
        assertEquals(-0.0058594f, out[2], 2e-6);
    }

    @Test
    void padPenaltyZeroIsInactive() {
        assertTrue(new PadPenaltyProcessorProvider().create(Fixtures.params(0, OptionalDouble.empty(), OptionalInt.empty(), 0), Fixtures.model(8, 2)).isEmpty());
    }

    @Test
    void temperatureDivides() {
        LogitsProcessor p = create(new TemperatureProcessorProvider(), OptionalDouble.empty(), OptionalInt.empty(), 0.5, 0);
        assertArrayEquals(new float[]{2f, 4f, -8f, 0f}, run(p, FIRST, 1f, 2f, -4f, 0f));
        assertTrue(new TemperatureProcessorProvider().create(Fixtures.params(1, OptionalDouble.empty(), OptionalInt.empty(), 0), Fixtures.model(8, 2)).isEmpty());
    }

    @Test
    void temperatureZeroMarksTheLogitsGreedyAndKeepsTheirValues() {
        // the processor is the temperature's one owner: samplers read the mark, never the temperature
        LogitsProcessor p = create(new TemperatureProcessorProvider(), OptionalDouble.empty(), OptionalInt.empty(), 0, 0);
        MaskedLogits m = Fixtures.rows(new int[]{0}, new float[]{1f, 2f, -4f, 0f});
        p.process(FIRST, m);
        assertTrue(m.greedy());
        assertArrayEquals(new float[]{1f, 2f, -4f, 0f}, m.logits().data());
        MaskedLogits warm = Fixtures.rows(new int[]{0}, new float[]{1f, 2f, -4f, 0f});
        create(new TemperatureProcessorProvider(), OptionalDouble.empty(), OptionalInt.empty(), 0.5, 0).process(FIRST, warm);
        assertFalse(warm.greedy());
    }

    @Test
    void topPKeepsTheSmallestPrefixThatPassesTopP() {
        // probabilities 0.15, 0.5, 0.05, 0.3: sorted 0.5 (c 0.5), 0.3 (c 0.8), 0.15 (c 0.95), 0.05 (c 1.0)
        // top_p 0.7: remove c > 0.7 = [F, T, T, T], shifted right = [F, F, T, T]: tokens 1 and 3 survive
        float[] row = Fixtures.logitsOf(0.15, 0.5, 0.05, 0.3);
        LogitsProcessor p = create(new TopPProcessorProvider(), OptionalDouble.of(0.7), OptionalInt.empty(), 1, 0);
        assertArrayEquals(new float[]{DROP, row[1], DROP, row[3]}, run(p, FIRST, row));
        // top_p 0.9: c before 0.15 is 0.8 <= 0.9, so it stays; before 0.05 is 0.95 > 0.9
        p = create(new TopPProcessorProvider(), OptionalDouble.of(0.9), OptionalInt.empty(), 1, 0);
        assertArrayEquals(new float[]{row[0], row[1], DROP, row[3]}, run(p, FIRST, row));
    }

    @Test
    void topPAlwaysKeepsTheFirstToken() {
        float[] row = Fixtures.logitsOf(0.15, 0.5, 0.05, 0.3);
        LogitsProcessor p = create(new TopPProcessorProvider(), OptionalDouble.of(0.1), OptionalInt.empty(), 1, 0);
        assertArrayEquals(new float[]{DROP, row[1], DROP, DROP}, run(p, FIRST, row));
        p = create(new TopPProcessorProvider(), OptionalDouble.of(0.0), OptionalInt.empty(), 1, 0);
        assertArrayEquals(new float[]{DROP, row[1], DROP, DROP}, run(p, FIRST, row));
    }

    @Test
    void topPInactiveWhenAbsentOrOne() {
        var p = new TopPProcessorProvider();
        assertTrue(p.create(Fixtures.params(1, OptionalDouble.empty(), OptionalInt.empty(), 0), Fixtures.model(8, 2)).isEmpty());
        assertTrue(p.create(Fixtures.params(1, OptionalDouble.of(1.0), OptionalInt.empty(), 0), Fixtures.model(8, 2)).isEmpty());
    }

    /** A plain full-sort top-p, written independently, for the big-vocabulary comparison. */
    private static float[] naiveTopP(float[] row, float topP) {
        Integer[] idx = new Integer[row.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, b) -> row[a] != row[b] ? Float.compare(row[b], row[a]) : Integer.compare(a, b));
        float max = row[idx[0]];
        double sum = 0;
        for (float x : row) {
            sum += (float) Math.exp(x - max);
        }
        float[] out = new float[row.length];
        Arrays.fill(out, DROP);
        float cum = 0;
        for (int i = 0; i < idx.length; i++) {
            if (i > 0 && cum > topP) {
                break;
            }
            out[idx[i]] = row[idx[i]];
            cum += (float) ((float) Math.exp(row[idx[i]] - max) / sum);
        }
        return out;
    }

    @Test
    void topPOnAQwenSizedVocabularyMatchesAFullSort() {
        SplittableRandom r = new SplittableRandom(42);
        for (double scale : new double[]{0.5, 2, 8}) {
            float[] row = new float[152064];
            for (int v = 0; v < row.length; v++) {
                row[v] = (float) (r.nextGaussian() * scale);
            }
            LogitsProcessor p = create(new TopPProcessorProvider(), OptionalDouble.of(0.95), OptionalInt.empty(), 1, 0);
            assertArrayEquals(naiveTopP(row, 0.95f), run(p, FIRST, row), "scale " + scale);
        }
    }

    @Test
    void topKDropsBelowTheKthLargest() {
        LogitsProcessor p = create(new TopKProcessorProvider(), OptionalDouble.empty(), OptionalInt.of(2), 1, 0);
        // 2nd largest of [1, 4, 3, 0, 2] is 3
        assertArrayEquals(new float[]{DROP, 4f, 3f, DROP, DROP}, run(p, FIRST, 1f, 4f, 3f, 0f, 2f));
    }

    @Test
    void topKKeepsTiesAtTheThreshold() {
        LogitsProcessor p = create(new TopKProcessorProvider(), OptionalDouble.empty(), OptionalInt.of(2), 1, 0);
        // 2nd largest of [5, 2, 2, 1] is 2: both 2s survive, three tokens in all
        assertArrayEquals(new float[]{5f, 2f, 2f, DROP}, run(p, FIRST, 5f, 2f, 2f, 1f));
        // k = 1 with a tie for first: both kept
        p = create(new TopKProcessorProvider(), OptionalDouble.empty(), OptionalInt.of(1), 1, 0);
        assertArrayEquals(new float[]{3f, DROP, 3f}, run(p, FIRST, 3f, 1f, 3f));
    }

    @Test
    void topKLargerThanTheVocabularyKeepsEverything() {
        LogitsProcessor p = create(new TopKProcessorProvider(), OptionalDouble.empty(), OptionalInt.of(50), 1, 0);
        assertArrayEquals(new float[]{1f, 2f, 3f}, run(p, FIRST, 1f, 2f, 3f));
        assertTrue(new TopKProcessorProvider().create(Fixtures.params(1, OptionalDouble.empty(), OptionalInt.empty(), 0), Fixtures.model(8, 2)).isEmpty());
    }

    @Test
    void kthLargestAgreesWithSorting() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 200; trial++) {
            int n = 1 + r.nextInt(300);
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = r.nextInt(20) - 10; // many duplicates
            }
            float[] sorted = a.clone();
            Arrays.sort(sorted);
            int k = 1 + r.nextInt(n);
            assertEquals(sorted[n - k], TokenMath.kthLargest(a.clone(), n, k));
        }
    }

    @Test
    void providersRunInTheReferenceOrder() {
        assertEquals(100, new PadPenaltyProcessorProvider().order());
        assertEquals(200, new TemperatureProcessorProvider().order());
        assertEquals(300, new TopPProcessorProvider().order());
        assertEquals(400, new TopKProcessorProvider().order());
    }
}
