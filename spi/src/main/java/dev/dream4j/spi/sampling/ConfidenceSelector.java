package dev.dream4j.spi.sampling;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Dream's confidence rule ({@code maskgit_plus}, {@code topk_margin}, {@code entropy}; {@code dream-semantics.md} §3):
 * every masked slot gets a token and a confidence ({@link SampledTokens}), then each batch row commits its
 * {@code count} most confident slots, or with {@code alg_temp > 0} that many slots drawn without replacement from
 * {@code softmax(conf / alg_temp)}. The one copy shared by the confidence samplers (whose count is Dream's
 * {@link Schedule#transferCount}) and by infilling (whose count is {@code tokens_per_step}).
 *
 * <p>Random draws, in this order: (1) unless the logits are {@link MaskedLogits#greedy() greedy}, one
 * {@code nextDouble()} per masked-logits row, rows ascending, for its token, also when {@code count} is 0 (Dream's
 * {@code sample_tokens} runs before the transfer count is applied); (2) when {@code alg_temp > 0} and
 * {@code count > 0}, per batch row ascending, one {@code nextDouble()} per selected slot, only for rows with more masks
 * than {@code count}. Greedy logits with {@code alg_temp == 0} draw nothing.
 *
 * <p>Ties in the deterministic selection go to the lower position. A row with at most {@code count} masks commits all
 * of them: the reference would write MASK over a non-masked slot there (its {@code : MASK} branch), and
 * {@code torch.topk} would raise in DreamOn's loop. If {@code softmax(conf / alg_temp)} leaves fewer positive weights
 * than slots to draw (underflow), the remaining slots are taken by confidence, where {@code torch.multinomial} would
 * raise. Committed rows are returned in ascending order.
 *
 * @param measure the confidence measure
 * @param algTemp 0 for the deterministic top-{@code count}, else the temperature of the position draw
 * @since SPI 2.2
 */
public record ConfidenceSelector(Confidence measure, double algTemp) implements SlotSelector {

    public ConfidenceSelector {
        if (measure == null) {
            throw new IllegalArgumentException("measure must not be null");
        }
    }

    @Override
    public StepDecision select(MaskedLogits logits, int count, RandomGenerator random) {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        int rows = logits.rows();
        if (rows == 0) {
            return StepDecision.none();
        }
        SampledTokens sampled = SampledTokens.sample(logits, measure, random);
        if (count == 0) {
            return StepDecision.none();
        }
        float[] conf = sampled.confidence();
        boolean[] commit = new boolean[rows];
        for (int start = 0, end; start < rows; start = end) {
            end = logits.runEnd(start);
            selectRow(logits, conf, start, end, count, commit, random);
        }
        return sampled.commit(commit);
    }

    /** Marks k of the rows [start, end) (one batch row's masked slots). */
    private void selectRow(MaskedLogits logits, float[] conf, int start, int end, int k, boolean[] commit,
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
