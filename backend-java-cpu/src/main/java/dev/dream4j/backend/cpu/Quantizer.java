package dev.dream4j.backend.cpu;

/**
 * Quantizes fp32 rows into {@link WeightFormat#Q8_0} / {@link WeightFormat#Q4_0} blocks. Scalar and deterministic:
 * the same row always gives the same bytes (used both by quantize-on-load and by the exporter). Q8_0 follows GGML's
 * rule; Q4_0 keeps GGML's layout and dequantization but searches each block's scale (bytes differ from llama.cpp's
 * {@code quantize_row_q4_0_ref}, they decode the same way).
 *
 * <p>Each block's scale is rounded to fp16 first and the values are quantized against that stored scale, so that
 * dequantization ({@code value · scale}) reproduces exactly what was rounded.
 */
final class Quantizer {
    /** Candidate inverse scales tried per q4_0 block: {@code -(8 + Q4_STEP·t) / m} for t in [-Q4_GRID, Q4_GRID]. */
    private static final int Q4_GRID = 9;
    private static final float Q4_STEP = 0.1f;
    private static final int Q4_CANDIDATES = 2 * Q4_GRID + 1;

    private Quantizer() {
    }

    /**
     * Quantizes {@code x[0..cols)} into {@code q} (at {@code qOff}, {@link WeightFormat#rowBytes} bytes) and
     * {@code scales} (fp16 bits, at {@code sOff}, one per block).
     */
    static void quantizeRow(WeightFormat f, float[] x, int cols, byte[] q, int qOff, short[] scales, int sOff) {
        int blocks = (int) WeightFormat.blocks(cols);
        Q4Search search = f == WeightFormat.Q4_0 ? new Q4Search() : null;
        for (int b = 0; b < blocks; b++) {
            int k0 = b * WeightFormat.BLOCK;
            int n = Math.min(WeightFormat.BLOCK, cols - k0);
            switch (f) {
                case Q8_0 -> scales[sOff + b] = q8Block(x, k0, n, q, qOff + b * WeightFormat.BLOCK);
                case Q4_0 -> scales[sOff + b] = q4Block(x, k0, n, q, qOff + b * (WeightFormat.BLOCK / 2), search);
                case AS_STORED -> throw new IllegalArgumentException("not a quantized format: " + f);
            }
        }
    }

    /** GGML Q8_0: scale = max|x| / 127, values round(x / scale) in [-127, 127]. */
    private static short q8Block(float[] x, int k0, int n, byte[] q, int off) {
        float amax = 0f;
        for (int i = 0; i < n; i++) {
            amax = Math.max(amax, Math.abs(x[k0 + i]));
        }
        short d16 = Float.floatToFloat16(amax / 127f);
        float d = Float.float16ToFloat(d16);
        float id = d == 0f ? 0f : 1f / d;
        for (int i = 0; i < WeightFormat.BLOCK; i++) {
            int v = i < n ? Math.round(x[k0 + i] * id) : 0;
            q[off + i] = (byte) Math.max(-127, Math.min(127, v));
        }
        return d16;
    }

    /**
     * Q4_0 with GGML's layout and dequantization ({@code (v − 8) · d}, byte j holds element j in its low nibble and
     * element j + 16 in its high nibble), but a searched scale instead of GGML's {@code d = m / −8} (m: the block's value
     * of largest magnitude, signed); see {@link #searchQ4Scale}. Blocks that are all zero, or hold NaN/infinity, or whose
     * GGML scale is not a finite non-zero fp16, keep GGML's rule unchanged.
     */
    private static short q4Block(float[] x, int k0, int n, byte[] q, int off, Q4Search search) {
        float amax = 0f;
        float max = 0f;
        boolean finite = true;
        for (int i = 0; i < n; i++) {
            float v = x[k0 + i];
            finite &= Float.isFinite(v);
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        short d16 = Float.floatToFloat16(max / -8f);
        float ggml = Float.float16ToFloat(d16);
        if (finite && ggml != 0f && Float.isFinite(ggml)) {
            d16 = searchQ4Scale(x, k0, n, max, d16, search);
        }
        float d = Float.float16ToFloat(d16);
        float id = d == 0f ? 0f : 1f / d;
        int half = WeightFormat.BLOCK / 2;
        for (int j = 0; j < half; j++) {
            int lo = nibble(j < n ? x[k0 + j] * id : 0f);
            int hi = nibble(j + half < n ? x[k0 + j + half] * id : 0f);
            q[off + j] = (byte) (lo | (hi << 4));
        }
        return d16;
    }

    /** Scratch of the q4_0 scale search, allocated once per row (not per block). */
    private static final class Q4Search {
        final float[] iscale = new float[Q4_CANDIDATES];
        final double[] sxl = new double[Q4_CANDIDATES];
        final int[] sll = new int[Q4_CANDIDATES];
    }

    /**
     * The stored fp16 scale for one block: GGML's ({@code ggml16}) or a least-squares candidate, whichever gives the
     * smaller actual error. GGML's rule spends level −8 exactly on m and clips the other side at 7·|d|, which is rarely
     * the scale with the least error. For each candidate inverse scale {@code −(8 + 0.1·t) / m}, t in [−9, 9], the block
     * is rounded to levels l in [−8, 7] and the least-squares scale for those levels, {@code Σ x·l / Σ l²}, is rounded
     * to fp16 (d). {@code Σ (x − l·d)²}, computed from the sums, bounds the error at d from above (re-quantizing against
     * d picks the nearest level for every value, which can only do better than l); the candidate with the smallest bound
     * is then re-quantized against its stored scale, as {@link #q4Block} writes it, and its actual squared error compared
     * with GGML's. Only a strictly smaller error replaces GGML's scale, so no block is ever worse than GGML's rule; the
     * result is a pure function of the block (deterministic, independent of threads).
     *
     * <p>Scoring only the best-bounded candidate exactly, instead of every distinct one, gave the same errors to four
     * digits on the demo and synthetic models at 0.6× the time; the candidates are looped innermost so that their sums
     * are independent dependency chains.
     */
    private static short searchQ4Scale(float[] x, int k0, int n, float max, short ggml16, Q4Search s) {
        for (int t = 0; t < Q4_CANDIDATES; t++) {
            s.iscale[t] = -(8f + Q4_STEP * (t - Q4_GRID)) / max;
            s.sxl[t] = 0;
            s.sll[t] = 0;
        }
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            float v = x[k0 + i];
            sxx += (double) v * v;
            for (int t = 0; t < Q4_CANDIDATES; t++) {
                int l = nibble(v * s.iscale[t]) - 8;
                s.sxl[t] += (double) v * l;
                s.sll[t] += l * l;
            }
        }
        short best = ggml16;
        double bestBound = Double.POSITIVE_INFINITY;
        for (int t = 0; t < Q4_CANDIDATES; t++) {
            if (s.sll[t] == 0) {
                continue;
            }
            short c16 = Float.floatToFloat16((float) (s.sxl[t] / s.sll[t]));
            double d = Float.float16ToFloat(c16);
            if (c16 == ggml16 || d == 0 || !Double.isFinite(d)) {
                continue;
            }
            double bound = sxx - 2 * d * s.sxl[t] + d * d * s.sll[t];
            if (bound < bestBound) {
                bestBound = bound;
                best = c16;
            }
        }
        if (best != ggml16 && q4Error(x, k0, n, Float.float16ToFloat(best)) < q4Error(x, k0, n, Float.float16ToFloat(ggml16))) {
            return best;
        }
        return ggml16;
    }

    /**
     * The block's squared error re-quantized against the stored scale {@code d} exactly as {@link #q4Block} writes it
     * and dequantized as the format defines it ({@code (float) level · d}).
     */
    private static double q4Error(float[] x, int k0, int n, float d) {
        float id = 1f / d;
        double e = 0;
        for (int i = 0; i < n; i++) {
            float v = x[k0 + i];
            float y = (nibble(v * id) - 8) * d;
            double r = v - (double) y;
            e += r * r;
        }
        return e;
    }

    private static int nibble(float scaled) {
        return Math.max(0, Math.min(15, (int) Math.floor(scaled + 8.5f)));
    }

    /** Scalar dequantization of one row (the format's definition; used for error reports). */
    static void dequantizeRow(WeightFormat f, byte[] q, int qOff, short[] scales, int sOff, int cols, float[] out) {
        for (int k = 0; k < cols; k++) {
            int b = k / WeightFormat.BLOCK;
            int i = k % WeightFormat.BLOCK;
            float d = Float.float16ToFloat(scales[sOff + b]);
            int v;
            if (f == WeightFormat.Q8_0) {
                v = q[qOff + b * WeightFormat.BLOCK + i];
            } else {
                int half = WeightFormat.BLOCK / 2;
                int byt = q[qOff + b * half + i % half] & 0xff;
                v = (i < half ? byt & 0x0f : byt >>> 4) - 8;
            }
            out[k] = v * d;
        }
    }
}
