package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.TokenMath;

import java.util.random.RandomGenerator;

/**
 * LLaDA's {@code generate()} step ({@code low_confidence} and {@code random} remasking). Per masked slot the token is
 * {@code argmax(exp(l) / (-log u)^T)} with one float64 uniform {@code u} per vocabulary entry (Gumbel-max; at
 * {@code T = 0} plain {@code argmax(l)} and nothing is drawn). Its confidence is the token's softmax probability under
 * the untempered logits ({@code low_confidence}) or one uniform draw ({@code random}). Each batch row then commits
 * its {@link Schedule#evenSplit} share of the masks it had when the schedule (the generation, or the current block)
 * started, highest confidence first, ties to the lower position; the last step commits every remaining mask. Slots outside the current block never reach the
 * sampler in block decoding, which is the reference's {@code -inf} confidence there.
 *
 * <p>Random draws, in this order: when {@code T > 0}, per masked-logits row ascending, one {@code nextDouble()} per
 * vocabulary entry ascending; then for {@code random}, per batch row ascending that has more masked slots than it
 * commits, one {@code nextDouble()} per masked slot ascending (a row that commits every slot has no choice to draw).
 */
final class RemaskingSampler implements Sampler {

    enum Remasking { LOW_CONFIDENCE, RANDOM }

    private final Remasking remasking;
    private final double temperature;

    RemaskingSampler(Remasking remasking, SamplingParams params) {
        this.remasking = remasking;
        this.temperature = params.temperature();
    }

    @Override
    public StepDecision step(StepContext context, MaskedLogits logits, RandomGenerator random) {
        int rows = logits.rows();
        if (rows == 0) {
            return StepDecision.none();
        }
        int vocab = logits.vocab();
        float[] data = logits.logits().data();
        int[] tokens = new int[rows];
        float[] confidence = new float[rows];
        float[] p = remasking == Remasking.LOW_CONFIDENCE ? new float[vocab] : null;
        for (int r = 0; r < rows; r++) {
            int off = logits.logits().offset(r);
            tokens[r] = temperature > 0 ? gumbelArgmax(data, off, vocab, random) : TokenMath.argmax(data, off, vocab);
            if (p != null) {
                TokenMath.softmax(data, off, vocab, p);
                confidence[r] = p[tokens[r]];
            }
        }
        boolean[] commit = new boolean[rows];
        for (int start = 0, end; start < rows; start = end) {
            end = logits.runEnd(start);
            int b = logits.batchIndex(start);
            // the last step commits whatever is left (in the reference its share is exactly that; this also holds
            // when a hook re-masked slots), the others their even share of the schedule's starting masks
            int k = context.info().isLast() ? end - start
                    : Schedule.evenSplit(context.initialMaskCounts()[b], context.info().steps(), context.info().step());
            if (k >= end - start) {
                java.util.Arrays.fill(commit, start, end, true); // every candidate commits: no choice to make or draw
            } else {
                if (remasking == Remasking.RANDOM) {
                    for (int r = start; r < end; r++) {
                        confidence[r] = (float) random.nextDouble();
                    }
                }
                for (int taken = 0; taken < k; taken++) {
                    int best = -1;
                    for (int i = start; i < end; i++) {
                        if (!commit[i] && (best < 0 || confidence[i] > confidence[best])) {
                            best = i; // rows of a batch row are in ascending position: '>' keeps the lower one on ties
                        }
                    }
                    commit[best] = true;
                }
            }
        }
        int n = 0;
        for (boolean c : commit) {
            n += c ? 1 : 0;
        }
        int[] outRows = new int[n];
        int[] outTokens = new int[n];
        for (int r = 0, i = 0; r < rows; r++) {
            if (commit[r]) {
                outRows[i] = r;
                outTokens[i++] = tokens[r];
            }
        }
        return new StepDecision(outRows, outTokens);
    }

    /** {@code argmax_v exp(l_v) / (-log u_v)^T} in float64, first maximum on ties, as LLaDA's add_gumbel_noise. */
    private int gumbelArgmax(float[] data, int off, int vocab, RandomGenerator random) {
        int best = 0;
        double bestValue = Double.NaN;
        for (int v = 0; v < vocab; v++) {
            double u = random.nextDouble();
            double value = Math.exp(data[off + v]) / Math.pow(-Math.log(u), temperature);
            if (value > bestValue || (Double.isNaN(bestValue) && !Double.isNaN(value))) {
                bestValue = value;
                best = v;
            }
        }
        return best;
    }
}
