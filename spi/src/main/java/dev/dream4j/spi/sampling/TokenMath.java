package dev.dream4j.spi.sampling;

import java.util.random.RandomGenerator;

/**
 * The numeric kernels of Dream's {@code sample_tokens}, shared by every sampler, logits processor and infill
 * strategy (built-in or third-party), so the same logits give the same tokens and confidences everywhere.
 *
 * <ul>
 *   <li><b>softmax</b>: float32 values with max subtraction, {@code e = (float) exp(l - max)}, the normaliser summed in
 *       double, {@code p = (float) (e / sum)}. A row whose maximum is not finite or whose sum is not a positive finite
 *       number is <em>degenerate</em>: it becomes one-hot on the first maximal logit (NaN ignored, token 0 if every
 *       logit is NaN), which is the reference's "argmax when sampling throws" fallback.</li>
 *   <li><b>categorical draw</b>: exactly one {@code random.nextDouble()} per draw, also for a degenerate row, so the
 *       number of draws never depends on the values. With {@code u = nextDouble() * sum(p)} (the sum in double), the
 *       token is the first one whose running (double) sum of probabilities exceeds {@code u}; zero-probability tokens are
 *       never chosen; if rounding runs past the end the last positive-probability token is taken.</li>
 *   <li><b>argmax</b>: ties go to the lowest token id.</li>
 * </ul>
 */
public final class TokenMath {

    /** What the top-p and top-k filters write into dropped logits: the lowest finite float, like torch.finfo.min. */
    public static final float DROPPED = -Float.MAX_VALUE;

    private TokenMath() {
    }

    /**
     * Writes softmax({@code src[off .. off+n)}) into {@code dst[0 .. n)}.
     *
     * @return false when the row was degenerate and {@code dst} was made one-hot
     */
    public static boolean softmax(float[] src, int off, int n, float[] dst) {
        float max = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < n; v++) {
            float l = src[off + v];
            if (l > max) {
                max = l;
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
        java.util.Arrays.fill(dst, 0, n, 0f);
        dst[argmax(src, off, n)] = 1f;
        return false;
    }

    /** Index (relative to {@code off}) of the first maximum, NaN ignored; 0 when every value is NaN. */
    public static int argmax(float[] a, int off, int n) {
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

    /** One draw from the categorical distribution {@code p[0 .. n)} with exactly one {@code nextDouble()}. */
    public static int categorical(float[] p, int n, RandomGenerator random) {
        double u = random.nextDouble();
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
        for (int v = 0; v <= lastPositive; v++) {
            float pv = p[v];
            if (pv > 0) {
                cum += pv;
                if (cum > target) {
                    return v;
                }
            }
        }
        return lastPositive;
    }

    /** {@code p(1) - p(2)}, the two largest probabilities (0 for the second when n is 1). */
    public static float topTwoMargin(float[] p, int n) {
        float first = Float.NEGATIVE_INFINITY;
        float second = Float.NEGATIVE_INFINITY;
        for (int v = 0; v < n; v++) {
            float x = p[v];
            if (x > first) {
                second = first;
                first = x;
            } else if (x > second) {
                second = x;
            }
        }
        if (n < 2) {
            second = 0f;
        }
        return first - second;
    }

    /**
     * Negative entropy {@code sum p ln(p + 1e-10)} with float32 terms summed in double. Tokens with {@code p == 0}
     * contribute exactly 0 and are skipped (most of a filtered or low-temperature row).
     */
    public static float negativeEntropy(float[] p, int n) {
        double sum = 0;
        for (int v = 0; v < n; v++) {
            float x = p[v];
            if (x > 0) {
                sum += x * (float) Math.log(x + 1e-10f);
            }
        }
        return (float) sum;
    }

    /** Maps a float to an int whose signed order is the float order (NaN above +inf). */
    public static int sortableBits(float f) {
        int bits = Float.floatToIntBits(f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    /**
     * The {@code k}-th largest value (1-based) of {@code a[0 .. n)}, reordering {@code a}. Quickselect with a
     * median-of-three pivot; falls back to sorting the remaining range after 64 rounds.
     */
    public static float kthLargest(float[] a, int n, int k) {
        if (k < 1 || k > n) {
            throw new IllegalArgumentException("k=" + k + " outside 1.." + n);
        }
        int target = n - k; // index in ascending order
        int lo = 0;
        int hi = n - 1;
        for (int round = 0; lo < hi; round++) {
            if (round == 64) {
                java.util.Arrays.sort(a, lo, hi + 1);
                return a[target];
            }
            int mid = (lo + hi) >>> 1;
            float pivot = median(a[lo], a[mid], a[hi]);
            int i = lo;
            int j = hi;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    float tmp = a[i];
                    a[i] = a[j];
                    a[j] = tmp;
                    i++;
                    j--;
                }
            }
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return a[target];
            }
        }
        return a[target];
    }

    private static float median(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
