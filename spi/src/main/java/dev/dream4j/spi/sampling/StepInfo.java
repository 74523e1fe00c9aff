package dev.dream4j.spi.sampling;

/**
 * Where a step stands in the schedule {@code ts = linspace_f32(1, eps, steps + 1)}.
 *
 * @param step  0-based index i
 * @param steps total steps
 * @param t     {@code ts[i]}
 * @param s     {@code ts[i + 1]}
 */
public record StepInfo(int step, int steps, float t, float s) {

    public boolean isLast() {
        return step == steps - 1;
    }
}
