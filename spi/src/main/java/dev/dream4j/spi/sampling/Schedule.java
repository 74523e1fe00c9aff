package dev.dream4j.spi.sampling;

/**
 * Dream's time schedule and transfer counts, computed in float32 exactly where the reference computes in float32, so
 * the engine and every sampler share one definition.
 *
 * <h2>{@code linspace}</h2>
 * Emulates {@code torch.linspace(start, end, points)} for float32 as ATen's CUDA kernel (and the scalar CPU path)
 * compute it: {@code step = (end - start) / (points - 1)} in float32, {@code halfway = points / 2}; index
 * {@code i < halfway} is {@code start + step * i}, the others are {@code end - step * (points - 1 - i)}, each product
 * and sum rounded to float32. Written in terms of intervals {@code n = points - 1} this is "{@code start + i*step} for
 * the first half, {@code end - (n - i)*step} for the second"; the split point is {@code points / 2}, which equals
 * {@code n / 2} when {@code n} is even. Two known deviations, neither of which changes the transfer counts of the
 * configurations checked in the tests: nvcc may contract {@code start + step * i} into one fused multiply-add, and
 * ATen's vectorised CPU path adds multiples of {@code step} to a per-vector base.
 *
 * <h2>Transfer counts</h2>
 * {@code nAvg = float(total masks) / float(batch)} (torch true division of an int64 sum yields float32); a step that
 * is not the last commits {@code floor(nAvg * (1 - s / t))} per row, evaluated as three float32 operations; the last
 * step commits {@code floor(nAvg)}. For {@code steps = max_new_tokens = 512} this gives 0 at step 0, 1 on every middle
 * step and 2 on the last; 512 tokens in 256 steps give {@code [1, 2, ..., 2, 3]}; 256 in 64 give {@code [3, 4, ..., 4, 5]}.
 */
public final class Schedule {

    private Schedule() {
    }

    /** float32 {@code torch.linspace(start, end, points)}; see the class comment. */
    public static float[] linspace(float start, float end, int points) {
        if (points < 0) {
            throw new IllegalArgumentException("points must be non-negative, got " + points);
        }
        float[] out = new float[points];
        if (points == 0) {
            return out;
        }
        if (points == 1) {
            out[0] = start;
            return out;
        }
        float step = (end - start) / (float) (points - 1);
        int halfway = points / 2;
        for (int i = 0; i < points; i++) {
            out[i] = i < halfway ? start + step * (float) i : end - step * (float) (points - 1 - i);
        }
        return out;
    }

    /** The reference schedule {@code linspace_f32(1, eps, steps + 1)}. */
    public static float[] timesteps(int steps, double eps) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be positive, got " + steps);
        }
        return linspace(1.0f, (float) eps, steps + 1);
    }

    /** Step {@code i} of a schedule made by {@link #timesteps(int, double)}. */
    public static StepInfo step(float[] ts, int i) {
        if (i < 0 || i + 1 >= ts.length) {
            throw new IndexOutOfBoundsException("step " + i + " outside a schedule of " + (ts.length - 1) + " steps");
        }
        return new StepInfo(i, ts.length - 1, ts[i], ts[i + 1]);
    }

    /** The mask count averaged over batch rows, as float32 (torch's {@code mask.sum() / B}). */
    public static float averageMasks(int totalMasks, int batch) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be positive, got " + batch);
        }
        return (float) totalMasks / (float) batch;
    }

    /**
     * The fraction of masks a step unmasks: {@code 1 - s / t} in float32, or exactly 1 on the last step. {@code origin}
     * commits each masked slot with this probability.
     */
    public static float transferProbability(StepInfo info) {
        if (info.isLast()) {
            return 1.0f;
        }
        return 1.0f - info.s() / info.t();
    }

    /**
     * Slots per batch row a confidence sampler commits: {@code floor(nAvg * (1 - s / t))}, or {@code floor(nAvg)} on the
     * last step; never negative.
     */
    public static int transferCount(float nAvg, StepInfo info) {
        float x = info.isLast() ? nAvg : nAvg * transferProbability(info);
        if (!(x > 0)) {
            return 0;
        }
        return (int) Math.floor(x);
    }

    /** The schedule's end point when neither the request nor the checkpoint sets {@code eps}. */
    public static final double DEFAULT_EPS = 1e-3;

    /**
     * LLaDA's {@code get_num_transfer_tokens}: {@code masks} slots split evenly over {@code steps} steps, the remainder
     * going one each to the first steps; returns the count of step {@code step}.
     */
    public static int evenSplit(int masks, int steps, int step) {
        if (steps < 1 || step < 0 || masks < 0) {
            throw new IllegalArgumentException("evenSplit needs masks >= 0, steps >= 1, step >= 0; got " + masks + ", " + steps + ", " + step);
        }
        if (step >= steps) {
            return 0;
        }
        return masks / steps + (step < masks % steps ? 1 : 0);
    }
}
