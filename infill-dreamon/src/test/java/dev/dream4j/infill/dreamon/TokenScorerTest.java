package dev.dream4j.infill.dreamon;

import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.MaskedLogits;
import org.junit.jupiter.api.Test;

import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** sample_tokens and the position choice, on values derived by hand. */
class TokenScorerTest {
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

    static MaskedLogits rows(float[]... rows) {
        int v = rows[0].length;
        float[] data = new float[rows.length * v];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, data, r * v, v);
        }
        int[] pos = new int[rows.length];
        for (int r = 0; r < rows.length; r++) {
            pos[r] = 3 + r;
        }
        return new MaskedLogits(new Logits(rows.length, v, data), new int[rows.length], pos);
    }

    @Test
    void greedyConfidencesOfAQuarterThreeQuartersRow() {
        // logits [0, ln 3] -> p = [1/4, 3/4]
        MaskedLogits l = rows(new float[]{0, LN3});
        var mg = new TokenScorer(Confidence.MASKGIT_PLUS, true, 0, NONE).score(l);
        assertEquals(1, mg.tokens()[0]);
        assertEquals(0.75f, mg.confidence()[0], 1e-6f);
        var margin = new TokenScorer(Confidence.TOPK_MARGIN, true, 0, NONE).score(l);
        assertEquals(0.5f, margin.confidence()[0], 1e-6f);
        var ent = new TokenScorer(Confidence.ENTROPY, true, 0, NONE).score(l);
        // 1/4 ln 1/4 + 3/4 ln 3/4 = -0.562335
        assertEquals(-0.5623351f, ent.confidence()[0], 1e-5f);
    }

    @Test
    void argmaxTiesGoToLowestId() {
        var s = new TokenScorer(Confidence.MASKGIT_PLUS, true, 0, NONE).score(rows(new float[]{1, 5, 5, 2}));
        assertEquals(1, s.tokens()[0]);
    }

    @Test
    void samplingDrawsOncePerRowByCumulativeProbability() {
        // p = [1/4, 3/4]: u = 0.2 -> target 0.2 < 0.25 -> token 0; u = 0.3 -> token 1
        Fixed r = new Fixed(0.2, 0.3);
        var s = new TokenScorer(Confidence.MASKGIT_PLUS, false, 0, r).score(rows(new float[]{0, LN3}, new float[]{0, LN3}));
        assertArrayEquals(new int[]{0, 1}, s.tokens());
        assertEquals(0.25f, s.confidence()[0], 1e-6f);
        assertEquals(2, r.calls);
    }

    @Test
    void degenerateRowIsOneHotOnArgmax() {
        float ninf = Float.NEGATIVE_INFINITY;
        Fixed r = new Fixed(0.99);
        var s = new TokenScorer(Confidence.MASKGIT_PLUS, false, 0, r).score(rows(new float[]{ninf, ninf, ninf}));
        assertEquals(0, s.tokens()[0]);
        assertEquals(1f, s.confidence()[0]);
        assertEquals(1, r.calls, "the draw is made even for a degenerate row");
    }

    @Test
    void topConfidenceTiesToLowerPosition() {
        TokenScorer t = new TokenScorer(Confidence.ENTROPY, true, 0, NONE);
        assertArrayEquals(new int[]{1, 2}, t.select(new float[]{-3, -1, -1, -2}, 2));
        assertArrayEquals(new int[]{1}, t.select(new float[]{-1, -0.5f, Float.NaN}, 1));
        assertArrayEquals(new int[]{0, 1, 2}, t.select(new float[]{-3, -1, -2}, 5), "k above the rows takes all");
    }

    @Test
    void algTempDrawsWithoutReplacement() {
        // conf [0, 0, 0] / 1 -> equal weights 1; draw 1: u 0.5 * 3 = 1.5 -> cum 1, 2 > 1.5 -> slot 1;
        // draw 2 over slots {0, 2}: u 0.9 * 2 = 1.8 -> cum 1 (slot 0) not > 1.8 -> the last, slot 2
        Fixed r = new Fixed(0.5, 0.9);
        assertArrayEquals(new int[]{1, 2}, new TokenScorer(Confidence.ENTROPY, true, 1.0, r).select(new float[]{0, 0, 0}, 2));
        assertEquals(2, r.calls);
        // rows <= k: no draw at all
        assertArrayEquals(new int[]{0, 1}, new TokenScorer(Confidence.ENTROPY, true, 1.0, NONE).select(new float[]{0, 0}, 2));
    }

    @Test
    void confidenceNames() {
        assertEquals(Confidence.ENTROPY, TokenScorer.confidenceNamed("entropy"));
        assertEquals(Confidence.TOPK_MARGIN, TokenScorer.confidenceNamed("TopK_Margin"));
        assertEquals("alg", assertThrows(dev.dream4j.api.InvalidRequestException.class, () -> TokenScorer.confidenceNamed("origin")).parameter());
        assertEquals("alg", assertThrows(dev.dream4j.api.InvalidRequestException.class, () -> TokenScorer.confidenceNamed("bogus")).parameter());
    }
}
