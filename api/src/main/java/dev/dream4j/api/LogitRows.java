package dev.dream4j.api;

/** Raw fp32 logits of a forward pass, {@code rows × vocabSize}. */
public interface LogitRows {
    int rows();

    int vocabSize();

    float get(int row, int token);

    /** A copy of row {@code row}. */
    float[] copyRow(int row);
}
