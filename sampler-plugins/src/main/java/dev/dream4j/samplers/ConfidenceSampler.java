package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.SampledTokens;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Dream's {@code maskgit_plus}, {@code topk_margin} and {@code entropy}: every masked slot gets a token and a
 * confidence, then each batch row commits its {@link Schedule#transferCount} most confident slots (or, with
 * {@code alg_temp > 0}, that many slots drawn without replacement from {@code softmax(conf / alg_temp)}).
 *
 * <p>Random draws, in this order: (1) when {@code temperature > 0}, one {@code nextDouble()} per masked-logits row,
 * rows ascending, for its token; (2) when {@code alg_temp > 0} and {@code k > 0}, per batch row ascending, one
 * {@code nextDouble()} per selected slot, only for rows with more masks than {@code k}. At temperature 0 with
 * {@code alg_temp == 0} nothing is drawn.
 *
 * <p>Ties in the deterministic selection go to the lower position. A row with at most {@code k} masks commits all of
 * them: the reference would write MASK over a non-masked slot there (its {@code : MASK} branch), which this sampler
 * guards against. If {@code softmax(conf / alg_temp)} leaves fewer positive weights than slots to draw (underflow),
 * the remaining slots are taken by confidence, where {@code torch.multinomial} would raise. Committed rows are
 * returned in ascending order.
 */
final class ConfidenceSampler implements Sampler {
    private final Confidence confidence;
    private final boolean greedy;
    private final double algTemp;

    ConfidenceSampler(Confidence confidence, SamplingParams params) {
        this.confidence = confidence;
        this.greedy = params.greedy();
        this.algTemp = params.algTemp();
    }

    @Override
    public StepDecision step(StepContext context, MaskedLogits logits, RandomGenerator random) {
        int rows = logits.rows();
        if (rows == 0) {
            return StepDecision.none();
        }
        SampledTokens sampled = SampledTokens.sample(logits, confidence, greedy, random);
        float[] conf = sampled.confidence();
        int k = Schedule.transferCount(Schedule.averageMasks(context.totalMasks(), context.batch()), context.info());
        if (k <= 0) {
            return StepDecision.none();
        }
        boolean[] commit = new boolean[rows];
        int start = 0;
        while (start < rows) {
            int b = logits.batchIndex(start);
            int end = start;
            while (end < rows && logits.batchIndex(end) == b) {
                end++;
            }
            select(logits, conf, start, end, k, commit, random);
            start = end;
        }
        return sampled.commit(commit);
    }

    /** Marks k of the rows [start, end) (one batch row's masked slots). */
    private void select(MaskedLogits logits, float[] conf, int start, int end, int k, boolean[] commit,
                        RandomGenerator random) {
        int m = end - start;
        if (m <= k) {
            Arrays.fill(commit, start, end, true);
            return;
        }
        int taken = 0;
        if (algTemp > 0) {
            float inv = (float) algTemp;
            float max = Float.NEGATIVE_INFINITY;
            float[] w = new float[m];
            for (int i = 0; i < m; i++) {
                w[i] = conf[start + i] / inv;
                max = Math.max(max, w[i]);
            }
            for (int i = 0; i < m; i++) {
                w[i] = Float.isFinite(max) ? (float) Math.exp(w[i] - max) : 0f;
                if (!(w[i] > 0)) {
                    w[i] = 0f;
                }
            }
            for (; taken < k; taken++) {
                double total = 0;
                int last = -1;
                for (int i = 0; i < m; i++) {
                    if (w[i] > 0) {
                        total += w[i];
                        last = i;
                    }
                }
                if (last < 0) {
                    break;
                }
                double target = random.nextDouble() * total;
                double cum = 0;
                int chosen = last;
                for (int i = 0; i < last; i++) {
                    if (w[i] > 0) {
                        cum += w[i];
                        if (cum > target) {
                            chosen = i;
                            break;
                        }
                    }
                }
                commit[start + chosen] = true;
                w[chosen] = 0f;
            }
        }
        // deterministic top-(k - taken) among the rest: higher confidence first, then lower position
        for (; taken < k; taken++) {
            int best = -1;
            for (int i = start; i < end; i++) {
                if (commit[i]) {
                    continue;
                }
                if (best < 0 || conf[i] > conf[best] || (conf[i] == conf[best] && logits.position(i) < logits.position(best))
                        || (Float.isNaN(conf[best]) && !Float.isNaN(conf[i]))) {
                    best = i;
                }
            }
            commit[best] = true;
        }
    }
}
