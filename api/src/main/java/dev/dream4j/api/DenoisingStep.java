package dev.dream4j.api;

import java.util.List;

/**
 * What one denoising step did; the equivalent of the reference's {@code output_history} entry.
 *
 * @param step         0-based step index
 * @param totalSteps   steps planned (infilling: the iteration limit; threshold/factor block decoding: an upper bound,
 *                     one step per masked slot)
 * @param canvas       every row of the canvas after the step (prompt included, padding included)
 * @param committed    per row, the positions whose mask was replaced by a token in this step (an early stop's
 *                     end-of-text fill included)
 * @param masksLeft    masked positions remaining over all rows
 * @param forwards     forward passes (NFE) run so far in this generation, this step's included
 * @param rowsComputed canvas slots (over all rows) this step's forward computed: the whole canvas for a full
 *                     forward, the window for a cached step, 0 when the step ran no forward
 * @param cacheHits    canvas slots whose keys and values this step's forward took from the key/value cache
 * @param logitRows    rows this step's forward sent through lm_head (the masked slots it predicted)
 */
public record DenoisingStep(int step, int totalSteps, List<List<Integer>> canvas, List<List<Integer>> committed,
                            int masksLeft, int forwards, long rowsComputed, long cacheHits, int logitRows) {
    public DenoisingStep {
        canvas = canvas.stream().map(List::copyOf).toList();
        committed = committed.stream().map(List::copyOf).toList();
    }

    /**
     * A step of an uncached loop that runs one full forward per step: {@code forwards = step + 1},
     * {@code rowsComputed} = every slot of the canvas, no cache hits, {@code logitRows} = the slots committed.
     */
    public DenoisingStep(int step, int totalSteps, List<List<Integer>> canvas, List<List<Integer>> committed,
                         int masksLeft) {
        this(step, totalSteps, canvas, committed, masksLeft, step + 1,
                canvas.stream().mapToLong(List::size).sum(), 0L, committed.stream().mapToInt(List::size).sum());
    }
}
