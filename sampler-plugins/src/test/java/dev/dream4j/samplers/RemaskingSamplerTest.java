package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** LLaDA's low_confidence and random remasking, from hand-derived cases. */
class RemaskingSamplerTest {

    /** A random generator that counts draws and fails none. */
    static final class Counting implements RandomGenerator {
        final SplittableRandom inner = new SplittableRandom(5);
        int draws;

        @Override
        public long nextLong() {
            draws++;
            return inner.nextLong();
        }

        @Override
        public double nextDouble() {
            draws++;
            return inner.nextDouble();
        }
    }

    @Test
    void evenSplitIsGetNumTransferTokens() {
        // 10 masks over 4 steps: base 2, remainder 2 -> [3, 3, 2, 2]
        int[] counts = new int[4];
        for (int i = 0; i < 4; i++) {
            counts[i] = Schedule.evenSplit(10, 4, i);
        }
        assertArrayEquals(new int[]{3, 3, 2, 2}, counts);
        assertEquals(0, Schedule.evenSplit(10, 4, 4), "past the last step");
        assertEquals(1, Schedule.evenSplit(3, 8, 2));
        assertEquals(0, Schedule.evenSplit(3, 8, 3));
    }

    @Test
    void lowConfidenceAtTemperatureZeroCommitsTheMostProbableArgmaxesWithoutDrawing() {
        // three masked slots; argmax probabilities 0.5, 0.9, 0.7; 6 masks at the start over 4 steps, step 1 -> 2 slots
        MaskedLogits logits = Fixtures.rows(new int[]{2, 4, 6},
                Fixtures.logitsOf(0.5, 0.3, 0.2), Fixtures.logitsOf(0.05, 0.05, 0.9), Fixtures.logitsOf(0.1, 0.7, 0.2));
        StepContext ctx = new StepContext(new StepInfo(1, 4, 0.75f, 0.5f), 1, 8, 99, new int[8], new int[]{3}, new int[]{6});
        Counting random = new Counting();
        StepDecision d = new LowConfidenceSamplerProvider().create(Fixtures.params(0, 0)).step(ctx, logits, random);
        assertArrayEquals(new int[]{1, 2}, d.rows(), "slots 4 (0.9) and 6 (0.7)");
        assertArrayEquals(new int[]{2, 1}, d.tokens());
        assertEquals(0, random.draws, "temperature 0 draws nothing");
    }

    @Test
    void tiesGoToTheLowerPosition() {
        MaskedLogits logits = Fixtures.rows(new int[]{3, 5}, Fixtures.logitsOf(0.6, 0.4), Fixtures.logitsOf(0.4, 0.6));
        StepContext ctx = new StepContext(new StepInfo(0, 2, 1f, 0.5f), 1, 6, 99, new int[6], new int[]{2}, new int[]{2});
        StepDecision d = new LowConfidenceSamplerProvider().create(Fixtures.params(0, 0)).step(ctx, logits, new Counting());
        assertArrayEquals(new int[]{0}, d.rows());
    }

    @Test
    void gumbelNoiseDrawsOncePerVocabularyEntryAndRandomOncePerSlotWhenThereIsAChoice() {
        MaskedLogits logits = Fixtures.rows(new int[]{1, 2, 3}, Fixtures.logitsOf(0.2, 0.3, 0.5),
                Fixtures.logitsOf(0.6, 0.3, 0.1), Fixtures.logitsOf(0.3, 0.3, 0.4));
        // 3 masks over 3 steps: step 0 commits 1 of 3 -> a choice
        StepContext first = new StepContext(new StepInfo(0, 3, 1f, 0.6f), 1, 4, 99, new int[4], new int[]{3}, new int[]{3});
        Counting random = new Counting();
        StepDecision d = new RandomSamplerProvider().create(Fixtures.params(0.8, 0)).step(first, logits, random);
        assertEquals(3 * 3 + 3, random.draws, "3 vocabulary draws per slot, then one confidence per slot");
        assertEquals(1, d.size());
        // the last step commits every mask: no confidence is drawn
        StepContext last = new StepContext(new StepInfo(2, 3, 0.3f, 0.001f), 1, 4, 99, new int[4], new int[]{3}, new int[]{9});
        Counting again = new Counting();
        assertEquals(3, new RandomSamplerProvider().create(Fixtures.params(0, 0)).step(last, logits, again).size());
        assertEquals(0, again.draws, "temperature 0 and no choice: nothing drawn");
        assertTrue(new RandomSamplerProvider().appliesTemperature() && new LowConfidenceSamplerProvider().appliesTemperature());
    }

    @Test
    void theCountComesFromTheMasksWhenTheScheduleStartedPerBatchRow() {
        // row 0 started with 4 masks, row 1 with 2; step 0 of 2 -> 2 and 1 slots
        MaskedLogits logits = Fixtures.rows(new int[]{0, 0, 0, 0, 1, 1}, new int[]{1, 2, 3, 4, 1, 2},
                Fixtures.logitsOf(0.9, 0.1), Fixtures.logitsOf(0.8, 0.2), Fixtures.logitsOf(0.7, 0.3), Fixtures.logitsOf(0.6, 0.4),
                Fixtures.logitsOf(0.55, 0.45), Fixtures.logitsOf(0.95, 0.05));
        StepContext ctx = new StepContext(new StepInfo(0, 2, 1f, 0.5f), 2, 5, 99, new int[10], new int[]{4, 2}, new int[]{4, 2});
        StepDecision d = new LowConfidenceSamplerProvider().create(Fixtures.params(0, 0)).step(ctx, logits, new Counting());
        assertArrayEquals(new int[]{0, 1, 5}, d.rows());
    }
}
