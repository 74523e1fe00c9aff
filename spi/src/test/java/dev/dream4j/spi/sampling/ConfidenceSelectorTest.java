package dev.dream4j.spi.sampling;

import dev.dream4j.spi.backend.Logits;
import org.junit.jupiter.api.Test;

import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sample_tokens and Dream's confidence rule of slot choice (the one copy the confidence samplers and infilling share),
 * on values derived by hand.
 */
class ConfidenceSelectorTest {
    static final float LN3 = (float) Math.log(3);

    /** Returns the given doubles in turn; counts calls. */
    static final class Fixed implements RandomGenerator {
        final double[] values;
        int calls;

        Fixed(double... values) {
            this.values = values;
        }

        @Override
        public long nextLong() {
            throw new AssertionError("only nextDouble is expected");
        }

        @Override
        public double nextDouble() {
            return values[calls++];
        }
    }

    static final RandomGenerator NONE = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new AssertionError("no draw expected");
        }

        @Override
        public double nextDouble() {
            throw new AssertionError("no draw expected");
        }
    };

    /** One batch row at positions 3, 4, …; greedy as the temperature processor marks temperature 0. */
    static MaskedLogits rows(boolean greedy, float[]... rows) {
        int v = rows[0].length;
        float[] data = new float[rows.length * v];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, data, r * v, v);
        }
        int[] pos = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            pos[r] = 3 + r;
        }
        MaskedLogits l = new MaskedLogits(new Logits(rows.length, v, data), new int[rows.length], pos);
        if (greedy) {
            l.makeGreedy();
        }
        return l;
    }

    /** Rows whose maskgit_plus confidence (greedy) is each given probability of token 1 (two-token rows). */
    static MaskedLogits confident(double... p) {
        float[][] rows = new float[p.length][];
        for (int i = 0; i < p.length; i++) {
            rows[i] = new float[]{(float) Math.log(1 - p[i]), (float) Math.log(p[i])};
        }
        return rows(true, rows);
    }

    @Test
    void greedyConfidencesOfAQuarterThreeQuartersRow() {
        // logits [0, ln 3] -> p = [1/4, 3/4]
        MaskedLogits l = rows(true, new float[]{0, LN3});
        var mg = SampledTokens.sample(l, Confidence.MASKGIT_PLUS, NONE);
        assertEquals(1, mg.tokens()[0]);
        assertEquals(0.75f, mg.confidence()[0], 1e-6f);
        assertEquals(0.5f, SampledTokens.sample(l, Confidence.TOPK_MARGIN, NONE).confidence()[0], 1e-6f);
        // 1/4 ln 1/4 + 3/4 ln 3/4 = -0.562335
        assertEquals(-0.5623351f, SampledTokens.sample(l, Confidence.ENTROPY, NONE).confidence()[0], 1e-5f);
    }

    @Test
    void argmaxTiesGoToLowestId() {
        assertEquals(1, SampledTokens.sample(rows(true, new float[]{1, 5, 5, 2}), Confidence.MASKGIT_PLUS, NONE).tokens()[0]);
    }

    @Test
    void samplingDrawsOncePerRowByCumulativeProbabilityUnlessGreedy() {
        // p = [1/4, 3/4]: u = 0.2 -> target 0.2 < 0.25 -> token 0; u = 0.3 -> token 1
        Fixed r = new Fixed(0.2, 0.3);
        var s = SampledTokens.sample(rows(false, new float[]{0, LN3}, new float[]{0, LN3}), Confidence.MASKGIT_PLUS, r);
        assertArrayEquals(new int[]{0, 1}, s.tokens());
        assertEquals(0.25f, s.confidence()[0], 1e-6f);
        assertEquals(2, r.calls);
    }

    @Test
    void degenerateRowIsOneHotOnArgmax() {
        float ninf = Float.NEGATIVE_INFINITY;
        Fixed r = new Fixed(0.99);
        var s = SampledTokens.sample(rows(false, new float[]{ninf, ninf, ninf}), Confidence.MASKGIT_PLUS, r);
        assertEquals(0, s.tokens()[0]);
        assertEquals(1f, s.confidence()[0]);
        assertEquals(1, r.calls, "the draw is made even for a degenerate row");
    }

    @Test
    void topConfidenceTiesToLowerPosition() {
        ConfidenceSelector top = new ConfidenceSelector(Confidence.MASKGIT_PLUS, 0);
        assertArrayEquals(new int[]{1, 2}, top.select(confident(0.6, 0.9, 0.9, 0.7), 2, NONE).rows());
        StepDecision all = top.select(confident(0.6, 0.9, 0.7), 5, NONE);
        assertArrayEquals(new int[]{0, 1, 2}, all.rows(), "a count above the rows takes all");
        assertArrayEquals(new int[]{1, 1, 1}, all.tokens());
    }

    @Test
    void algTempDrawsWithoutReplacement() {
        // conf [.75, .75, .75] / 1 -> equal weights 1; draw 1: u 0.5 * 3 = 1.5 -> cum 1, 2 > 1.5 -> slot 1;
        // draw 2 over slots {0, 2}: u 0.9 * 2 = 1.8 -> cum 1 (slot 0) not > 1.8 -> the last, slot 2
        Fixed r = new Fixed(0.5, 0.9);
        ConfidenceSelector drawn = new ConfidenceSelector(Confidence.MASKGIT_PLUS, 1.0);
        assertArrayEquals(new int[]{1, 2}, drawn.select(confident(0.75, 0.75, 0.75), 2, r).rows());
        assertEquals(2, r.calls);
        // rows <= count: no draw at all
        assertArrayEquals(new int[]{0, 1}, drawn.select(confident(0.75, 0.75), 2, NONE).rows());
    }

    @Test
    void eachBatchRowCommitsItsOwnCount() {
        // batch 0: p .6 .9; batch 1: p .8 .7 .95 -> the best of each
        MaskedLogits l = confident(0.6, 0.9, 0.8, 0.7, 0.95);
        MaskedLogits two = new MaskedLogits(l.logits(), new int[]{0, 0, 1, 1, 1}, new int[]{2, 3, 2, 3, 4});
        two.makeGreedy();
        assertArrayEquals(new int[]{1, 4}, new ConfidenceSelector(Confidence.MASKGIT_PLUS, 0).select(two, 1, NONE).rows());
    }

    @Test
    void countZeroStillDrawsTheTokensAndCommitsNothing() {
        // Dream's sample_tokens runs before the transfer count is applied: the stream advances the same either way
        Fixed r = new Fixed(0.1, 0.2);
        assertEquals(0, new ConfidenceSelector(Confidence.ENTROPY, 0).select(rows(false, new float[]{0, 1}, new float[]{1, 0}), 0, r).size());
        assertEquals(2, r.calls);
    }

    @Test
    void runsAreTheBatchRows() {
        MaskedLogits l = new MaskedLogits(confident(0.6, 0.9, 0.8, 0.7).logits(), new int[]{0, 0, 2, 2}, new int[]{1, 2, 1, 3});
        assertEquals(2, l.runEnd(0));
        assertEquals(2, l.runEnd(1));
        assertEquals(4, l.runEnd(2));
    }

    @Test
    void greedyIsTheLogitsMarkNotASetting() {
        MaskedLogits l = rows(false, new float[]{0, 1});
        assertFalse(l.greedy());
        l.makeGreedy();
        assertTrue(l.greedy());
    }
}
