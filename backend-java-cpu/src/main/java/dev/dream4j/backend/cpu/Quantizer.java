package dev.dream4j.backend.cpu;

/**
 * Quantizes fp32 rows into {@link WeightFormat#Q8_0} / {@link WeightFormat#Q4_0} blocks. Scalar and deterministic:
 * the same row always gives the same bytes (used both by quantize-on-load and by the exporter).
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
        for (int b = 0; b < blocks; b++) {
            int k0 = b * WeightFormat.BLOCK;
            int n = Math.min(WeightFormat.BLOCK, cols - k0);
            switch (f) {
                case Q8_0 -> scales[sOff + b] = q8Block(x, k0, n, q, qOff + b * WeightFormat.BLOCK);
                case Q4_0 -> scales[sOff + b] = q4Block(x, k0, n, q, qOff + b * (WeightFormat.BLOCK / 2));
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
     * GGML Q4_0: scale = (the value of largest magnitude, signed) / -8, nibbles {@code min(15, floor(x / scale + 8.5))};
     * byte j of a block holds element j in its low nibble and element j + 16 in its high nibble.
     */
    private static short q4Block(float[] x, int k0, int n, byte[] q, int off) {
        float amax = 0f;
        float max = 0f;
        for (int i = 0; i < n; i++) {
            float v = x[k0 + i];
            if (Math.abs(v) > amax) {
                amax = Math.abs(v);
                max = v;
            }
        }
        short d16 = Float.floatToFloat16(max / -8f);
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
