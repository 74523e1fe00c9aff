package dev.dream4j.spi.backend;

import dev.dream4j.api.InvalidRequestException;

/**
 * The input of one forward pass: {@code batch} canvases of {@code length} tokens each, row-major.
 *
 * <p>{@code visible} (one flag per slot, or {@code null} = all visible) gives the pairwise attention mask of
 * {@code dream-semantics.md} §1: query i may attend key j iff both are visible. A hidden query attends to nothing
 * and its output must stay finite. {@code rows} lists the flat slots ({@code b * length + j}) whose logits are
 * wanted, in the order the result returns them.
 *
 * <p>Arrays are not copied: the caller must not change them while a forward runs.
 */
public final class ForwardBatch {
    private final int batch;
    private final int length;
    private final int[] tokens;
    private final int[] positions;
    private final boolean[] visible;
    private final int[] rows;

    private ForwardBatch(int batch, int length, int[] tokens, int[] positions, boolean[] visible, int[] rows) {
        this.batch = batch;
        this.length = length;
        this.tokens = tokens;
        this.positions = positions;
        this.visible = visible;
        this.rows = rows;
    }

    /**
     * Validates and wraps the arrays.
     *
     * @throws InvalidRequestException naming the inconsistent argument
     */
    public static ForwardBatch of(int batch, int length, int[] tokens, int[] positions, boolean[] visible, int[] rows) {
        if (batch < 1) {
            throw new InvalidRequestException("batch", "batch must be >= 1, got " + batch);
        }
        if (length < 1) {
            throw new InvalidRequestException("length", "sequence length must be >= 1, got " + length);
        }
        long slots = (long) batch * length;
        if (tokens == null || tokens.length != slots) {
            throw new InvalidRequestException("input_ids", "expected " + slots + " token ids, got " + (tokens == null ? "null" : tokens.length));
        }
        if (positions == null || positions.length != slots) {
            throw new InvalidRequestException("position_ids", "expected " + slots + " positions, got " + (positions == null ? "null" : positions.length));
        }
        if (visible != null && visible.length != slots) {
            throw new InvalidRequestException("attention_mask", "expected " + slots + " flags, got " + visible.length);
        }
        if (rows == null) {
            throw new InvalidRequestException("rows", "rows must not be null");
        }
        for (int r : rows) {
            if (r < 0 || r >= slots) {
                throw new InvalidRequestException("rows", "row " + r + " is outside [0, " + slots + ")");
            }
        }
        for (int p : positions) {
            if (p < 0) {
                throw new InvalidRequestException("position_ids", "negative position " + p);
            }
        }
        return new ForwardBatch(batch, length, tokens, positions, visible, rows);
    }

    /** One unpadded sequence with positions 0..n-1, logits for the given positions. */
    public static ForwardBatch single(int[] tokens, int[] rows) {
        int[] pos = new int[tokens.length];
        for (int i = 0; i < pos.length; i++) {
            pos[i] = i;
        }
        return of(1, tokens.length, tokens, pos, null, rows);
    }

    /** Every slot of every row. */
    public static int[] allRows(int batch, int length) {
        int[] r = new int[batch * length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i;
        }
        return r;
    }

    public int batch() {
        return batch;
    }

    public int length() {
        return length;
    }

    public int token(int b, int j) {
        return tokens[b * length + j];
    }

    public int position(int b, int j) {
        return positions[b * length + j];
    }

    /** Whether slot (b, j) takes part in attention. */
    public boolean isVisible(int b, int j) {
        return visible == null || visible[b * length + j];
    }

    public boolean hasMask() {
        return visible != null;
    }

    public int rowCount() {
        return rows.length;
    }

    /** The flat slot of requested row {@code r}. */
    public int row(int r) {
        return rows[r];
    }

    public int maxPosition() {
        int m = 0;
        for (int p : positions) {
            m = Math.max(m, p);
        }
        return m;
    }
}
