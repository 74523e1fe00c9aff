package dev.dream4j.infill.dreamon;

import dev.dream4j.spi.sampling.MaskedLogits;

import java.util.Arrays;
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
        int rows = logits.rows();
        int vocab = logits.vocab();
        float[] data = logits.logits().data();
        float[] p = new float[vocab];
        int[] tokens = new int[rows];
        float[] conf = new float[rows];
        for (int r = 0; r < rows; r++) {
            boolean regular = softmax(data, logits.logits().offset(r), vocab, p);
            int tok;
            if (greedy) {
                tok = argmax(p, 0, vocab);
            } else {
                tok = categorical(p, vocab, random.nextDouble());
                if (!regular) {
                    tok = argmax(p, 0, vocab);
                }
            }
            tokens[r] = tok;
            conf[r] = confidence.score(p, vocab, tok);
        }
        return new Scored(tokens, conf);
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

    /** softmax({@code src[off .. off+n)}) into {@code dst}; false when the row was degenerate and made one-hot. */
    static boolean softmax(float[] src, int off, int n, float[] dst) {
        float max = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < n; v++) {
            if (src[off + v] > max) {
                max = src[off + v];
            }
        }
        if (Float.isFinite(max)) {
            double sum = 0;
            for (int v = 0; v < n; v++) {
                float e = (float) Math.exp(src[off + v] - max);
                dst[v] = e;
                sum += e;
            }
            if (sum > 0 && Double.isFinite(sum)) {
                for (int v = 0; v < n; v++) {
                    dst[v] = (float) (dst[v] / sum);
                }
                return true;
            }
        }
        Arrays.fill(dst, 0, n, 0f);
        dst[argmax(src, off, n)] = 1f;
        return false;
    }

    /** First maximum relative to {@code off}, NaN ignored, 0 when all are NaN. */
    static int argmax(float[] a, int off, int n) {
        int best = 0;
        float bestValue = Float.NaN;
        for (int v = 0; v < n; v++) {
            float x = a[off + v];
            if (x > bestValue || (Float.isNaN(bestValue) && !Float.isNaN(x))) {
                bestValue = x;
                best = v;
            }
        }
        return best;
    }

    /** The first token whose running probability sum exceeds {@code u · Σp}; zero-probability tokens never win. */
    static int categorical(float[] p, int n, double u) {
        double total = 0;
        int lastPositive = -1;
        for (int v = 0; v < n; v++) {
            if (p[v] > 0) {
                total += p[v];
                lastPositive = v;
            }
        }
        if (lastPositive < 0) {
            return argmax(p, 0, n);
        }
        double target = u * total;
        double cum = 0;
        for (int v = 0; v < lastPositive; v++) {
            if (p[v] > 0) {
                cum += p[v];
                if (cum > target) {
                    return v;
                }
            }
        }
        return lastPositive;
    }

    /** {@code p1 - p2} of the two largest probabilities (p2 = 0 for a one-token vocabulary). */
    static float topTwoMargin(float[] p, int n) {
        float first = Float.NEGATIVE_INFINITY;
        float second = n < 2 ? 0f : Float.NEGATIVE_INFINITY;
        for (int v = 0; v < n; v++) {
            float x = p[v];
            if (x > first) {
                if (n >= 2) {
                    second = first;
                }
                first = x;
            } else if (x > second) {
                second = x;
            }
        }
        return first - second;
    }

    /** {@code Σ p ln(p + 1e-10)}; zero probabilities contribute exactly 0. */
    static float negativeEntropy(float[] p, int n) {
        double sum = 0;
        for (int v = 0; v < n; v++) {
            float x = p[v];
            if (x > 0) {
                sum += x * (float) Math.log(x + 1e-10f);
            }
        }
        return (float) sum;
    }
}
