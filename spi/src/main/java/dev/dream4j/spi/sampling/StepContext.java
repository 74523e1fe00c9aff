package dev.dream4j.spi.sampling;

/**
 * The canvas as a sampler sees it before a step.
 *
 * @param info       the schedule position
 * @param batch      canvases in the batch
 * @param length     slots per canvas
 * @param maskToken  the mask id
 * @param canvas     a read-only copy, row-major {@code batch × length}
 * @param maskCounts masked slots per batch row
 */
public record StepContext(StepInfo info, int batch, int length, int maskToken, int[] canvas, int[] maskCounts) {

    public int token(int b, int j) {
        return canvas[b * length + j];
    }

    public boolean isMask(int b, int j) {
        return canvas[b * length + j] == maskToken;
    }

    /** Masked slots over all rows. */
    public int totalMasks() {
        int n = 0;
        for (int c : maskCounts) {
            n += c;
        }
        return n;
    }
}
