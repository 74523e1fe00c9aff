package dev.dream4j.api;

import java.util.List;
import java.util.Optional;

/**
 * What tools (benchmarks, quantization reports, parity checks) need beyond generation: raw logits of one forward
 * pass and the decoder's dimensions. Not for generation: a forward here skips the denoising loop, its samplers and
 * the step scheduler. {@link DiffusionLM#diagnostics()} hands it out.
 */
public interface ModelDiagnostics {

    ModelDimensions dimensions();

    /**
     * Floating-point operations of one forward over {@code canvas} positions, {@code rows} of them through the LM
     * head, each attending to {@code attended} positions (as the backends compute it: projections, attention, MLP).
     */
    double forwardFlops(long canvas, long rows, long attended);

    /** Raw (unshifted) logits of one unpadded sequence, one row per position. */
    default LogitRows logits(List<Integer> ids) {
        int[] tokens = ids.stream().mapToInt(Integer::intValue).toArray();
        int[] rows = new int[tokens.length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = i;
        }
        return forward(tokens, rows);
    }

    /**
     * One forward of one unpadded sequence, returning the logits of the positions {@code rows} (in that order;
     * repeats allowed), as a denoising step computes the rows it needs.
     *
     * @throws InvalidRequestException for ids outside the vocabulary, an empty or too long sequence, bad rows
     */
    LogitRows forward(int[] ids, int[] rows);

    /** The most canvas rows one shared step forward holds (1: generations do not share forwards). */
    int maxBatch();

    /** Counters of continuous batching; empty when it is off. */
    Optional<BatchStats> batchStats();
}
