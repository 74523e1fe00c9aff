package dev.dream4j.spi.sampling;

/**
 * The canvas as a sampler sees it before a step.
 *
 * @param info       the schedule position
 * @param batch      canvases in the batch
 * @param length     slots per canvas
 * @param maskToken  the mask id
 * @param canvas     a read-only copy, row-major {@code batch × length}
 * @param maskCounts masked slots per batch row (in block decoding: of the current block)
 * @param initialMaskCounts masked slots per batch row when the current schedule started (the generation, or in block
 *                   decoding the current block): what LLaDA's {@code get_num_transfer_tokens} splits over the steps
 */
public record StepContext(StepInfo info, int batch, int length, int maskToken, int[] canvas, int[] maskCounts,
                          int[] initialMaskCounts) {

    public StepContext {
        if (maskCounts.length != batch || initialMaskCounts.length != batch) {
            throw new IllegalArgumentException("mask counts must have one entry per batch row (" + batch + ")");
        }
    }

    /** A context whose schedule starts at this step ({@code initialMaskCounts = maskCounts}). */
    public StepContext(StepInfo info, int batch, int length, int maskToken, int[] canvas, int[] maskCounts) {
        this(info, batch, length, maskToken, canvas, maskCounts, maskCounts.clone());
    }

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
