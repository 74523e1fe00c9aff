package dev.dream4j.backend.onnx.graph;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Symmetric blockwise int4 quantisation in the {@code com.microsoft.MatMulNBits} layout ({@code onnx-graph.md} §5):
 * for each output row {@code n} and block of {@code blockSize} input features, {@code scale = absmax / 7},
 * {@code q = clamp(round(w / scale), -8, 7) + 8} (zero point 8, no zero-point input), two values per byte, low nibble
 * first; {@code B} is {@code [N, ceil(K / blockSize), blockSize / 2]} and {@code scales} {@code [N, ceil(K / blockSize)]}.
 * A trailing partial block is padded with zeros.
 */
public final class Int4Quantizer {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Int4Quantizer() {
    }

    /** Source of fp32 weight values by row-major index. */
    public interface Source {
        float get(long index);
    }

    public static int blocks(long k, int blockSize) {
        return (int) ((k + blockSize - 1) / blockSize);
    }

    /** Checks the block size: a power of two, at least 16. */
    public static int checkBlockSize(int blockSize) {
        if (blockSize < 16 || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("int4 block size must be a power of two >= 16, got " + blockSize);
        }
        return blockSize;
    }

    /**
     * Quantises {@code w [n, k]} into {@code packed} ({@code n * blocks * blockSize / 2} bytes) and {@code scales}
     * ({@code n * blocks} little-endian floats).
     */
    public static void quantize(Source w, long n, long k, int blockSize, MemorySegment packed, MemorySegment scales) {
        int blocks = blocks(k, blockSize);
        float[] buf = new float[blockSize];
        long byteAt = 0;
        for (long row = 0; row < n; row++) {
            for (int b = 0; b < blocks; b++) {
                float absmax = 0;
                for (int i = 0; i < blockSize; i++) {
                    long col = (long) b * blockSize + i;
                    buf[i] = col < k ? w.get(row * k + col) : 0f;
                    absmax = Math.max(absmax, Math.abs(buf[i]));
                }
                float scale = absmax / 7f;
                scales.setAtIndex(FLOAT_LE, row * blocks + b, scale);
                for (int i = 0; i < blockSize; i += 2) {
                    int lo = code(buf[i], scale);
                    int hi = code(buf[i + 1], scale);
                    packed.set(ValueLayout.JAVA_BYTE, byteAt++, (byte) (lo | (hi << 4)));
                }
            }
        }
    }

    private static int code(float v, float scale) {
        if (scale == 0f) {
            return 8;
        }
        int q = Math.round(v / scale);
        return Math.max(-8, Math.min(7, q)) + 8;
    }

    /** The value MatMulNBits computes with for element {@code (row, col)}. */
    public static float dequantize(MemorySegment packed, MemorySegment scales, long k, int blockSize, long row, long col) {
        int blocks = blocks(k, blockSize);
        int b = (int) (col / blockSize);
        int i = (int) (col % blockSize);
        long byteAt = (row * blocks + b) * (blockSize / 2) + i / 2;
        int v = packed.get(ValueLayout.JAVA_BYTE, byteAt) & 0xff;
        int q = (i % 2 == 0) ? (v & 0x0f) : (v >>> 4);
        return (q - 8) * scales.getAtIndex(FLOAT_LE, row * blocks + b);
    }
}
