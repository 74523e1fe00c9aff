package dev.dream4j.spi.sampling;

import dev.dream4j.spi.backend.Logits;

/**
 * Logits for the masked slots of a canvas, already shifted: row r predicts slot ({@link #batchIndex(int)},
 * {@link #position(int)}). Rows are ordered by batch row, then position. Processors modify {@link #logits()} in place.
 */
public final class MaskedLogits {
    private final Logits logits;
    private final int[] batchIndex;
    private final int[] position;

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
}
