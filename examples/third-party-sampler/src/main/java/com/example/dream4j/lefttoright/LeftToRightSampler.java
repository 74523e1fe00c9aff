package com.example.dream4j.lefttoright;

import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.TokenMath;

import java.util.random.RandomGenerator;

/**
 * The {@code left-to-right} sampler.
 *
 * <h2>Which slots</h2>
 * Each step, every batch row commits its {@code min(k, masks)} <em>leftmost</em> masked slots, where
 * {@code k = Schedule.transferCount(Schedule.averageMasks(totalMasks, batch), step)} is the same per-row budget Dream's
 * confidence samplers ({@code entropy}, {@code maskgit_plus}, {@code topk_margin}) use. So the number of steps, forwards
 * and tokens per step are exactly those of Dream; only the choice of positions differs: position order instead of
 * confidence order. On the last step {@code k = floor(nAvg)}, which commits every remaining mask when all rows have the
 * same number of masks (what left padding guarantees). The choice of positions never depends on the logits and never
 * draws randomness.
 *
 * <h2>The {@code margin} option</h2>
 * With {@code --option margin=M} (M in [0, 1], default 0) a row stops early: of its k leftmost masked slots it commits
 * them in reading order only while the slot's top-1 minus top-2 probability (after the logits processors) is at least
 * M, and always the first one, so every step makes progress. The last step ignores the margin and commits the k slots,
 * so a run still ends without masks. At M = 0 every margin qualifies: exactly the behaviour without the option. A
 * larger M fills uncertain stretches more slowly, with more model context per decision.
 *
 * <h2>Which tokens</h2>
 * The logits arrive after every logits processor ran (temperature, top-p, top-k, penalties), so the sampler uses them as
 * they are: at temperature 0 (logits marked {@code greedy()}) the argmax (lowest id on ties); otherwise one categorical draw from
 * {@code softmax(logits)} per committed slot. A row whose softmax is degenerate (no finite maximum, or a sum that is not
 * a positive finite number) is treated as one-hot on its first maximal logit.
 *
 * <h2>Randomness</h2>
 * Only the {@code RandomGenerator} passed to {@link #step} is used, and in a fixed order: exactly one
 * {@code nextDouble()} per committed slot, committed slots in ascending masked-logits row order (batch row, then
 * position), also for degenerate rows, so the number of draws never depends on the logit values. At temperature 0
 * nothing is drawn; a step that commits nothing draws nothing. Instances hold no mutable state, so a seed reproduces the
 * output on any thread.
 */
final class LeftToRightSampler implements Sampler {
    private final double margin;

    LeftToRightSampler(double margin) {
        this.margin = margin;
    }

    @Override
    public StepDecision step(StepContext context, MaskedLogits logits, RandomGenerator random) {
        int rows = logits.rows();
        if (rows == 0) {
            return StepDecision.none();
        }
        int k = Schedule.transferCount(Schedule.averageMasks(context.totalMasks(), context.batch()), context.info());
        if (k <= 0) {
            return StepDecision.none();
        }
        // Masked-logits rows are ordered by batch row, then position: the first k rows of each batch row's run are its
        // k leftmost masked slots.
        boolean greedy = logits.greedy(); // temperature 0, as the temperature processor (its owner) marks it
        int vocab = logits.vocab();
        float[] data = logits.logits().data();
        float[] p = new float[vocab];
        boolean filter = margin > 0 && !context.info().isLast();
        int[] chosen = new int[rows];
        int n = 0;
        int start = 0;
        while (start < rows) {
            int b = logits.batchIndex(start);
            int end = start;
            while (end < rows && logits.batchIndex(end) == b) {
                end++;
            }
            for (int r = start; r < Math.min(end, start + k); r++) {
                if (filter && r > start && !sure(data, logits.logits().offset(r), vocab, p)) {
                    break; // reading order: an unsure slot ends this row's commits for the step
                }
                chosen[n++] = r;
            }
            start = end;
        }
        int[] outRows = new int[n];
        int[] outTokens = new int[n];
        for (int i = 0; i < n; i++) {
            int r = chosen[i];
            int off = logits.logits().offset(r);
            outRows[i] = r;
            outTokens[i] = greedy ? TokenMath.argmax(data, off, vocab) : draw(data, off, vocab, p, random);
        }
        return new StepDecision(outRows, outTokens);
    }

    /** Whether the row's top-1 minus top-2 probability is at least the margin. */
    private boolean sure(float[] logits, int off, int n, float[] p) {
        TokenMath.softmax(logits, off, n, p);
        return TokenMath.topTwoMargin(p, n) >= margin;
    }

    /**
     * One token from {@code softmax(logits[off .. off+n))} with exactly one {@code nextDouble()}, using the SPI's
     * shared {@link TokenMath} so the draw is the one every built-in sampler makes. Zero-probability tokens (a filter's
     * {@code -Float.MAX_VALUE}) are never returned; a degenerate row is one-hot on its first maximum.
     */
    static int draw(float[] logits, int off, int n, float[] p, RandomGenerator random) {
        TokenMath.softmax(logits, off, n, p);
        return TokenMath.categorical(p, n, random);
    }
}
