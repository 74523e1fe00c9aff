package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepInfo;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The schedule counts, derived independently of {@link Schedule}.
 *
 * <p>torch.linspace(1, eps, n + 1) in float32 (ATen CUDA kernel, and the scalar CPU path): {@code step = (eps - 1) / n}
 * in float32; index {@code i < (n + 1) / 2} is {@code 1 + step * i}, the others {@code eps - step * (n - i)}. For
 * n = 512: step = -0.999/512 = -0.00195117..., ts[1] = 0.99804883, so step 0 has {@code 1 - s/t = 0.0019512} and
 * {@code 512 * 0.0019512 = 0.999 -> 0}; step 1 has 512 masks and {@code 512 * (1 - ts[2]/ts[1]) = 1.0009 -> 1}; from
 * then on every step sees one mask fewer and a slightly larger fraction, {@code (513 - i) * 0.999 / (512 - 0.999 i)},
 * which stays in [1, 2) up to i = 510 (about 1.19), leaving 2 masks for the last step, which takes floor(2) = 2.
 */
class ScheduleTest {

    /** torch.linspace emulation written out separately from Schedule, optionally with nvcc's fused multiply-add. */
    private static float[] torchLinspace(float start, float end, int points, boolean fma) {
        float step = (end - start) / (points - 1);
        float[] out = new float[points];
        for (int i = 0; i < points; i++) {
            if (i < points / 2) {
                out[i] = fma ? Math.fma(step, (float) i, start) : start + step * i;
            } else {
                out[i] = fma ? Math.fma(-step, (float) (points - 1 - i), end) : end - step * (points - 1 - i);
            }
        }
        return out;
    }

    /** Per-step counts for one canvas of {@code tokens} masks, written out with explicit float32 arithmetic. */
    private static int[] counts(int tokens, int steps, float[] ts) {
        int[] out = new int[steps];
        int masks = tokens;
        for (int i = 0; i < steps; i++) {
            float nAvg = (float) masks;
            float t = ts[i];
            float s = ts[i + 1];
            float ratio = 1f - s / t;
            int k = i < steps - 1 ? (int) Math.floor(nAvg * ratio) : (int) Math.floor(nAvg);
            out[i] = Math.min(k, masks);
            masks -= out[i];
        }
        return out;
    }

    private static int[] expected(int steps, int first, int middle, int last) {
        int[] e = new int[steps];
        Arrays.fill(e, middle);
        e[0] = first;
        e[steps - 1] = last;
        return e;
    }

    private static int[] viaSchedule(int tokens, int steps) {
        float[] ts = Schedule.timesteps(steps, 1e-3);
        int[] out = new int[steps];
        int masks = tokens;
        for (int i = 0; i < steps; i++) {
            out[i] = Math.min(masks, Schedule.transferCount(Schedule.averageMasks(masks, 1), Schedule.step(ts, i)));
            masks -= out[i];
        }
        return out;
    }

    @Test
    void linspaceMatchesTheTorchFormula() {
        for (int points : new int[]{2, 3, 5, 65, 257, 513, 769, 1025}) {
            assertArrayEquals(torchLinspace(1f, 1e-3f, points, false), Schedule.linspace(1f, 1e-3f, points), "points=" + points);
        }
        float[] ts = Schedule.linspace(1f, 1e-3f, 5);
        float step = (1e-3f - 1f) / 4f; // -0.24975
        assertEquals(1f, ts[0]);
        assertEquals(1f + step, ts[1]);
        assertEquals(1e-3f - step * 2f, ts[2]); // second half counts back from the end
        assertEquals(1e-3f - step, ts[3]);
        assertEquals(1e-3f, ts[4]);
        assertArrayEquals(new float[]{7f}, Schedule.linspace(7f, 9f, 1));
        assertEquals(0, Schedule.linspace(1f, 0f, 0).length);
    }

    @Test
    void countsFor512TokensIn512Steps() {
        int[] e = expected(512, 0, 1, 2);
        assertArrayEquals(e, counts(512, 512, torchLinspace(1f, 1e-3f, 513, false)));
        assertArrayEquals(e, counts(512, 512, torchLinspace(1f, 1e-3f, 513, true)), "with fused multiply-add");
        assertArrayEquals(e, viaSchedule(512, 512));
    }

    @Test
    void countsFor512TokensIn256Steps() {
        int[] e = expected(256, 1, 2, 3);
        assertArrayEquals(e, counts(512, 256, torchLinspace(1f, 1e-3f, 257, false)));
        assertArrayEquals(e, counts(512, 256, torchLinspace(1f, 1e-3f, 257, true)), "with fused multiply-add");
        assertArrayEquals(e, viaSchedule(512, 256));
    }

    @Test
    void countsFor256TokensIn64Steps() {
        int[] e = expected(64, 3, 4, 5);
        assertArrayEquals(e, counts(256, 64, torchLinspace(1f, 1e-3f, 65, false)));
        assertArrayEquals(e, counts(256, 64, torchLinspace(1f, 1e-3f, 65, true)), "with fused multiply-add");
        assertArrayEquals(e, viaSchedule(256, 64));
    }

    @Test
    void countsFor256And768TokensInAsManySteps() {
        assertArrayEquals(expected(256, 0, 1, 2), viaSchedule(256, 256));
        assertArrayEquals(expected(768, 0, 1, 2), viaSchedule(768, 768));
    }

    @Test
    void transferCountAveragesOverTheBatchAndFloors() {
        StepInfo half = new StepInfo(0, 2, 1f, 0.5f);
        assertEquals(1, Schedule.transferCount(Schedule.averageMasks(6, 2), half)); // 3 * 0.5 = 1.5
        assertEquals(2.5f, Schedule.averageMasks(5, 2));
        assertEquals(2, Schedule.transferCount(2.5f, new StepInfo(1, 2, 0.5f, 1e-3f))); // last: floor(2.5)
        assertEquals(0.5f, Schedule.transferProbability(half));
        assertEquals(1f, Schedule.transferProbability(new StepInfo(1, 2, 0.5f, 1e-3f)));
        assertEquals(0, Schedule.transferCount(0f, half));
    }
}
