package dev.dream4j.api;

import java.util.List;

/**
 * What one denoising step did; the equivalent of the reference's {@code output_history} entry.
 *
 * @param step       0-based step index
 * @param totalSteps steps planned (infilling: the iteration limit)
 * @param canvas     every row of the canvas after the step (prompt included, padding included)
 * @param committed  per row, the positions whose mask was replaced by a token in this step
 * @param masksLeft  masked positions remaining over all rows
 */
public record DenoisingStep(int step, int totalSteps, List<List<Integer>> canvas, List<List<Integer>> committed,
                            int masksLeft) {
    public DenoisingStep {
        canvas = canvas.stream().map(List::copyOf).toList();
        committed = committed.stream().map(List::copyOf).toList();
    }
}
