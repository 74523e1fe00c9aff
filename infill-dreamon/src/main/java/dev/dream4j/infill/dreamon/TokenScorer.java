package dev.dream4j.infill.dreamon;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.SampledTokens;

import java.util.random.RandomGenerator;

/**
 * The token and position choice of one infilling iteration: {@code sample_tokens} over logits the processors have
 * already rewritten (temperature, top-p, top-k), then the selection of the slots to commit.
 *
 * <ul>
 *   <li><b>softmax</b>: float32 with max subtraction, the normaliser summed in double. A row whose maximum is not
 *       finite or whose sum is not a positive finite number becomes one-hot on its first maximal logit (the
 *       reference's "argmax when sampling fails").</li>
 *   <li><b>token</b>: temperature 0 takes the argmax (lowest id on ties) and draws nothing; otherwise exactly one
 *       {@code nextDouble()} per masked row, rows in position order.</li>
 *   <li><b>positions</b>: with {@code alg_temp == 0} the {@code k} most confident rows, ties to the lower position;
 *       with {@code alg_temp > 0}, {@code k} draws without replacement from {@code softmax(conf / alg_temp)}, one
 *       {@code nextDouble()} each, made only when there are more rows than {@code k} (otherwise every row is taken,
 *       where {@code torch.topk} would raise). Weights that underflow to zero are taken last, by confidence.</li>
 * </ul>
 */
final class TokenScorer {
    private final Confidence confidence;
    private final boolean greedy;
    private final double algTemp;
    private final RandomGenerator random;

    TokenScorer(Confidence confidence, boolean greedy, double algTemp, RandomGenerator random) {
        this.confidence = confidence;
        this.greedy = greedy;
        this.algTemp = algTemp;
        this.random = random;
    }

    /** Chosen token and confidence per masked row. */
    record Scored(int[] tokens, float[] confidence) {
    }

    Scored score(MaskedLogits logits) {
        SampledTokens sampled = SampledTokens.sample(logits, confidence, greedy, random);
        return new Scored(sampled.tokens(), sampled.confidence());
    }

    /** The rows to commit, ascending: {@code min(k, rows)} of them. */
    int[] select(float[] conf, int k) {
        int m = conf.length;
        if (k >= m) {
            int[] all = new int[m];
            for (int i = 0; i < m; i++) {
                all[i] = i;
            }
            return all;
        }
        boolean[] taken = new boolean[m];
        int count = 0;
        if (algTemp > 0) {
            float t = (float) algTemp;
            float[] w = new float[m];
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < m; i++) {
                w[i] = conf[i] / t;
                if (w[i] > max) {
                    max = w[i];
                }
            }
            for (int i = 0; i < m; i++) {
                float e = Float.isFinite(max) ? (float) Math.exp(w[i] - max) : 0f;
                w[i] = e > 0 ? e : 0f;
            }
            for (; count < k; count++) {
                double total = 0;
                int last = -1;
                for (int i = 0; i < m; i++) {
                    if (!taken[i] && w[i] > 0) {
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
                    if (!taken[i] && w[i] > 0) {
                        cum += w[i];
                        if (cum > target) {
                            chosen = i;
                            break;
                        }
                    }
                }
                taken[chosen] = true;
            }
        }
        while (count < k) {
            int best = -1;
            for (int i = 0; i < m; i++) {
                if (!taken[i] && (best < 0 || key(conf[i]) > key(conf[best]))) {
                    best = i;
                }
            }
            taken[best] = true;
            count++;
        }
        int[] out = new int[k];
        for (int i = 0, o = 0; i < m; i++) {
            if (taken[i]) {
                out[o++] = i;
            }
        }
        return out;
    }

    /** NaN ranks below every number. */
    private static float key(float c) {
        return Float.isNaN(c) ? Float.NEGATIVE_INFINITY : c;
    }

    /**
     * The confidence measure called {@code name}.
     *
     * @throws InvalidRequestException ({@code alg}) for {@code origin} or an unknown name
     */
    static Confidence confidenceNamed(String name) {
        return Confidence.byId(name).orElseThrow(() -> "origin".equalsIgnoreCase(name == null ? null : name.trim())
                ? new InvalidRequestException("alg", "infilling commits by confidence; 'origin' has no confidence"
                        + " (the DreamOn reference raises on it). Use entropy, maskgit_plus or topk_margin")
                : new InvalidRequestException("alg", "unknown confidence algorithm '" + name
                        + "'; expected entropy, maskgit_plus or topk_margin"));
    }
}
