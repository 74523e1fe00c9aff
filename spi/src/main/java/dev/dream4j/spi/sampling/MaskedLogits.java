package dev.dream4j.spi.sampling;

import dev.dream4j.spi.backend.Logits;

/**
 * Logits for the masked slots of a canvas, already shifted: row r predicts slot ({@link #batchIndex(int)},
 * {@link #position(int)}). Rows are ordered by batch row, then position. Processors modify {@link #logits()} in place.
 *
 * <p><b>Greedy rows.</b> The temperature logits processor owns the temperature: above 0 it divides the logits, at 0
 * it calls {@link #makeGreedy()} instead of dividing by zero (the limit of {@code logits / T} as {@code T -> 0} is the
 * argmax). The logits are left as they are because Dream's {@code sample_tokens} takes the confidence of a greedy
 * choice from the untempered probabilities. Samplers and infill strategies read {@link #greedy()} (through
 * {@link SampledTokens}), never the temperature.
 */
public final class MaskedLogits {
    private final Logits logits;
    private final int[] batchIndex;
    private final int[] position;
    private boolean greedy;

    public MaskedLogits(Logits logits, int[] batchIndex, int[] position) {
        if (batchIndex.length != logits.rows() || position.length != logits.rows()) {
            throw new IllegalArgumentException("one (batch, position) pair per logits row is needed");
        }
        this.logits = logits;
        this.batchIndex = batchIndex;
        this.position = position;
    }

    public Logits logits() {
        return logits;
    }

    public int rows() {
        return logits.rows();
    }

    public int vocab() {
        return logits.vocab();
    }

    public int batchIndex(int row) {
        return batchIndex[row];
    }

    public int position(int row) {
        return position[row];
    }

    /**
     * One past the last row of the batch row that row {@code start} belongs to: rows {@code [start, runEnd(start))}
     * are that batch row's masked slots from {@code start} on, in position order (rows are ordered by batch row).
     *
     * @since SPI 2.2
     */
    public int runEnd(int start) {
        int b = batchIndex[start];
        int end = start;
        while (end < batchIndex.length && batchIndex[end] == b) {
            end++;
        }
        return end;
    }

    /**
     * True when every row is decided by its argmax and no token is drawn (temperature 0, see the class comment).
     *
     * @since SPI 2.2
     */
    public boolean greedy() {
        return greedy;
    }

    /**
     * Marks every row greedy: the temperature processor's answer to temperature 0. Irreversible for this step.
     *
     * @since SPI 2.2
     */
    public void makeGreedy() {
        greedy = true;
    }
}
