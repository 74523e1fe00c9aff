package com.example.dream4j.lefttoright;

import dev.dream4j.conformance.SamplerHarness;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is specific to this sampler (the conformance suite checks only what every sampler shares). */
class LeftToRightSamplerTest {

    private static final int VOCAB = 24;

    @Test
    void commitsTheLeftmostMasksOfEveryRowInOrder() {
        for (double temperature : new double[]{0.0, 1.0}) {
            SamplingParams params = params(temperature, 5, Map.of());
            Sampler sampler = new LeftToRightSamplerProvider().create(params);
            // rows with 3 and 3 prompt tokens, 15 masks each: the schedule commits 3 per row and step
            SamplerHarness h = new SamplerHarness(VOCAB, 18, 3, 3);
            float[] ts = Schedule.timesteps(params.steps(), params.eps());
            RandomGenerator random = SamplerHarness.seeded(42);
            for (int i = 0; i < params.steps(); i++) {
                StepInfo info = Schedule.step(ts, i);
                int[] firstMaskBefore = {firstMask(h, 0), firstMask(h, 1)};
                MaskedLogits logits = h.gather(i, SamplerHarness.gaussian(17, 3f), params);
                StepDecision d = sampler.step(h.context(info), logits, random);
                int[] commits = h.apply(logits, d);
                for (int b = 0; b < h.batch(); b++) {
                    // the canvas is a prefix of decided tokens followed by masks: nothing was skipped
                    int decided = firstMask(h, b);
                    assertEquals(firstMaskBefore[b] + commits[b], decided, "row " + b + " step " + i);
                    for (int j = decided; j < h.length(); j++) {
                        assertEquals(h.mask(), h.canvas()[b * h.length() + j], "a mask right of the frontier was filled");
                    }
                }
            }
            assertEquals(0, h.totalMasks(), "masks left");
        }
    }

    @Test
    void drawsOncePerCommittedSlotAtPositiveTemperature() {
        SamplingParams params = params(0.8, 4, Map.of());
        Sampler sampler = new LeftToRightSamplerProvider().create(params);
        SamplerHarness h = new SamplerHarness(VOCAB, 14, 2, 2);
        float[] ts = Schedule.timesteps(params.steps(), params.eps());
        RandomGenerator seeded = SamplerHarness.seeded(3);
        AtomicInteger draws = new AtomicInteger();
        RandomGenerator counting = new RandomGenerator() {
            @Override
            public long nextLong() {
                draws.incrementAndGet();
                return seeded.nextLong();
            }

            @Override
            public double nextDouble() {
                draws.incrementAndGet();
                return seeded.nextDouble();
            }
        };
        for (int i = 0; i < params.steps(); i++) {
            MaskedLogits logits = h.gather(i, SamplerHarness.gaussian(5, 1f), params);
            int before = draws.get();
            StepDecision d = sampler.step(h.context(Schedule.step(ts, i)), logits, counting);
            assertEquals(d.size(), draws.get() - before, "one draw per committed slot at step " + i);
            h.apply(logits, d);
        }
        assertTrue(draws.get() > 0);
    }

    @Test
    void aDominantTokenIsDrawn() {
        float[] row = new float[VOCAB];
        java.util.Arrays.fill(row, -Float.MAX_VALUE);
        row[9] = 3f;
        assertEquals(9, LeftToRightSampler.draw(row, 0, VOCAB, new float[VOCAB], SamplerHarness.seeded(1)));
        assertEquals(9, dev.dream4j.spi.sampling.TokenMath.argmax(row, 0, VOCAB));
    }

    /** Settings as dream4j resolves them for this provider: its declared options at their defaults, then {@code options}. */
    private static SamplingParams params(double temperature, int steps, Map<String, ?> options) {
        return SamplerHarness.withOptions(new LeftToRightSamplerProvider(), SamplerHarness.params(temperature, 0.0, steps), options);
    }

    @Test
    void aMarginHoldsBackUnsureSlotsButNotTheFirstNorOnTheLastStep() {
        // 15 masks per row in 3 steps: the schedule asks for several per row on the first step
        for (double margin : new double[]{0.0, 0.999}) {
            SamplingParams params = params(0.0, 3, Map.of("margin", margin));
            Sampler sampler = new LeftToRightSamplerProvider().create(params);
            SamplerHarness h = new SamplerHarness(VOCAB, 18, 3, 3);
            float[] ts = Schedule.timesteps(params.steps(), params.eps());
            // flat logits: every slot's top-1 minus top-2 margin is far below 0.999
            MaskedLogits logits = h.gather(0, SamplerHarness.gaussian(17, 0.1f), params);
            int[] commits = h.apply(logits, sampler.step(h.context(Schedule.step(ts, 0)), logits, SamplerHarness.forbidden()));
            int k = Schedule.transferCount(Schedule.averageMasks(30, 2), Schedule.step(ts, 0));
            assertTrue(k > 1, "the schedule must ask for more than one slot for the margin to matter: " + k);
            int expected = margin == 0 ? k : 1;
            assertEquals(expected, commits[0], "row 0 at margin " + margin);
            assertEquals(expected, commits[1], "row 1 at margin " + margin);
            for (int i = 1; i < params.steps(); i++) {
                MaskedLogits l = h.gather(i, SamplerHarness.gaussian(17, 0.1f), params);
                h.apply(l, sampler.step(h.context(Schedule.step(ts, i)), l, SamplerHarness.forbidden()));
            }
            assertEquals(0, h.totalMasks(), "the last step ignores the margin: no mask may be left at margin " + margin);
        }
    }

    @Test
    void theMarginIsDeclaredWithItsRange() {
        var margin = new LeftToRightSamplerProvider().options().getFirst();
        assertEquals("margin", margin.name());
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.dream4j.api.InvalidRequestException.class,
                () -> params(0.0, 3, Map.of("margin", "1.5")));
        assertEquals("options.margin", e.parameter());
        assertTrue(e.getMessage().contains("left-to-right") && e.getMessage().contains("[0, 1]"), e.getMessage());
    }

    private static int firstMask(SamplerHarness h, int b) {
        int[] c = h.canvas();
        for (int j = 0; j < h.length(); j++) {
            if (c[b * h.length() + j] == h.mask()) {
                return j;
            }
        }
        return h.length();
    }
}
