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

    /** Candidate inverse scales tried per q4_0 block: {@code -(8 + STEP·t) / m} for t in [-GRID, GRID]. */
    private static final int Q4_GRID = 9;
    private static final float Q4_STEP = 0.1f;
    private static final int Q4_CANDIDATES = 2 * Q4_GRID + 1;

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
        final short[] d16 = new short[Q4_CANDIDATES + 1];
        final float[] d = new float[Q4_CANDIDATES + 1];
        final float[] id = new float[Q4_CANDIDATES + 1];
        final double[] err = new double[Q4_CANDIDATES + 1];
    }

    /**
     * The stored fp16 scale with the least squared error for one block, among GGML's ({@code ggml16}) and least-squares
     * candidates. GGML's rule spends level −8 exactly on m and clips the other side at 7·|d|, which is rarely the scale
     * with the least error. For each candidate inverse scale {@code −(8 + 0.1·t) / m}, t in [−9, 9], the block is
     * rounded to levels in [−8, 7] and the least-squares scale for those levels, {@code Σ x·l / Σ l²}, is rounded to
     * fp16; each distinct fp16 scale is then scored by the actual squared error of the block re-quantized against it
     * (what the file will hold and dequantization will give). GGML's scale is the first candidate and only a strictly
     * smaller error replaces it, so no block is ever worse than GGML's rule; the result is a pure function of the block
     * (deterministic, independent of threads). The candidates are looped innermost so that their sums are independent
     * dependency chains (measured: about 12× GGML's encoding time per weight, instead of 20× with one candidate after another).
     */
    private static short searchQ4Scale(float[] x, int k0, int n, float max, short ggml16, Q4Search s) {
        for (int t = 0; t < Q4_CANDIDATES; t++) {
            s.iscale[t] = -(8f + Q4_STEP * (t - Q4_GRID)) / max;
            s.sxl[t] = 0;
            s.sll[t] = 0;
        }
        for (int i = 0; i < n; i++) {
            float v = x[k0 + i];
            for (int t = 0; t < Q4_CANDIDATES; t++) {
                int l = nibble(v * s.iscale[t]) - 8;
                s.sxl[t] += (double) v * l;
                s.sll[t] += l * l;
            }
        }
        // several candidates usually land on the same fp16 scale: keep each distinct one once, GGML's first
        int count = 0;
        s.d16[count++] = ggml16;
        candidates:
        for (int t = 0; t < Q4_CANDIDATES; t++) {
            if (s.sll[t] == 0) {
                continue;
            }
            short c16 = Float.floatToFloat16((float) (s.sxl[t] / s.sll[t]));
            float cd = Float.float16ToFloat(c16);
            if (cd == 0f || !Float.isFinite(cd)) {
                continue;
            }
            for (int c = 0; c < count; c++) {
                if (s.d16[c] == c16) {
                    continue candidates;
                }
            }
            s.d16[count++] = c16;
        }
        for (int c = 0; c < count; c++) {
            s.d[c] = Float.float16ToFloat(s.d16[c]);
            s.id[c] = 1f / s.d[c];
            s.err[c] = 0;
        }
        // the block re-quantized against each stored scale exactly as q4Block writes it, and dequantized as the format
        // defines it ((float) level · scale)
        for (int i = 0; i < n; i++) {
            float v = x[k0 + i];
            for (int c = 0; c < count; c++) {
                float y = (nibble(v * s.id[c]) - 8) * s.d[c];
                double r = v - (double) y;
                s.err[c] += r * r;
            }
        }
        int best = 0;
        for (int c = 1; c < count; c++) {
            if (s.err[c] < s.err[best]) {
                best = c;
            }
        }
        return s.d16[best];
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
