package dev.dream4j.spi.backend;

/**
 * fp32 logits, {@code rows × vocab}, row-major. The array is owned by whoever holds this object; consumers
 * (logits processors) may modify it in place.
 */
public final class Logits {
    private final int rows;
    private final int vocab;
    private final float[] data;

    public Logits(int rows, int vocab, float[] data) {
        if ((long) rows * vocab != data.length) {
            throw new IllegalArgumentException(rows + " x " + vocab + " logits need " + ((long) rows * vocab) + " floats, got " + data.length);
        }
        this.rows = rows;
        this.vocab = vocab;
        this.data = data;
    }

    public static Logits allocate(int rows, int vocab) {
        long n = (long) rows * vocab;
        if (n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(rows + " rows of " + vocab + " logits exceed one Java array; ask for fewer rows per forward");
        }
        return new Logits(rows, vocab, new float[(int) n]);
    }

    public int rows() {
        return rows;
    }

    public int vocab() {
        return vocab;
    }

    public float get(int row, int token) {
        return data[row * vocab + token];
    }

    /** The backing array (live, row-major). */
    public float[] data() {
        return data;
    }

    /** Offset of row {@code r} in {@link #data()}. */
    public int offset(int row) {
        return row * vocab;
    }

    public float[] copyRow(int row) {
        float[] out = new float[vocab];
        System.arraycopy(data, row * vocab, out, 0, vocab);
        return out;
    }
}
