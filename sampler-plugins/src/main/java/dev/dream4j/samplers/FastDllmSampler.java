package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.SampledTokens;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.TokenMath;

import java.util.random.RandomGenerator;

/**
 * Fast-dLLM's parallel decoding rules ({@code landscape.md} §4), applied to the masked slots the engine passes (in
 * block decoding: the current block's masked slots only). Every slot gets a token ({@link SampledTokens}: argmax for greedy logits, else one
 * categorical draw) and a confidence {@code c = p(token)} from the processed logits; per batch row the candidates
 * are sorted by confidence, descending (ties: lower position first), and:
 * <ul>
 *   <li><b>threshold</b> ({@code get_transfer_index}): the top one always, then every other with {@code c >= τ};</li>
 *   <li><b>factor</b> ({@code get_transfer_index_dynamic}): with {@code thr(n) = 1 - f / (n + 1)} and
 *       {@code thr(1) = -inf}, {@code n*} = (the first n with {@code c(n) < thr(n)}) - 1, and the top {@code n*} are
 *       committed. If every candidate passes, or only the last one fails, all of them are committed (a quirk of the
 *       reference code, kept).</li>
 * </ul>
 * The schedule in the step context is ignored. Random draws: unless the logits are greedy, one {@code nextDouble()} per
 * masked-logits row, rows ascending (the reference takes the argmax of Gumbel-perturbed logits, which samples the same
 * distribution); nothing for greedy logits (temperature 0). Committed rows are returned in ascending order.
 */
final class FastDllmSampler implements Sampler {
    enum Rule { THRESHOLD, FACTOR }

    private final Rule rule;
    private final double threshold;
    private final double factor;

    FastDllmSampler(Rule rule, double threshold, double factor) {
        this.rule = rule;
        this.threshold = threshold;
        this.factor = factor;
    }

    @Override
    public StepDecision step(StepContext context, MaskedLogits logits, RandomGenerator random) {
        int rows = logits.rows();
        if (rows == 0) {
            return StepDecision.none();
        }
        // Fast-dLLM's confidence is the probability of the chosen token: maskgit_plus's measure.
        SampledTokens sampled = SampledTokens.sample(logits, Confidence.MASKGIT_PLUS, random);
        float[] conf = sampled.confidence();
        boolean[] commit = new boolean[rows];
        for (int start = 0, end; start < rows; start = end) {
            end = logits.runEnd(start);
            select(logits, conf, start, end, commit);
        }
        return sampled.commit(commit);
    }

    /** Marks the committed rows among [start, end), one batch row's candidates. */
    private void select(MaskedLogits logits, float[] conf, int start, int end, boolean[] commit) {
        int m = end - start;
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = start + i;
        }
        java.util.Arrays.sort(order, (a, b) -> {
            int c = Integer.compare(TokenMath.sortableBits(conf[b]), TokenMath.sortableBits(conf[a]));
            return c != 0 ? c : Integer.compare(logits.position(a), logits.position(b));
        });
        int take;
        if (rule == Rule.THRESHOLD) {
            take = 1;
            while (take < m && conf[order[take]] >= threshold) {
                take++;
            }
        } else {
            int firstFail = -1; // 1-based n of the first failure
            for (int n = 2; n <= m; n++) {
                double thr = 1.0 - factor / (n + 1);
                if (!(conf[order[n - 1]] >= thr)) {
                    firstFail = n;
                    break;
                }
            }
            take = firstFail < 0 || firstFail == m ? m : Math.max(1, firstFail - 1);
        }
        for (int i = 0; i < take; i++) {
            commit[order[i]] = true;
        }
    }
}
