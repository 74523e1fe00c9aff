package dev.dream4j.backend.cpu;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The q8_0 / q4_0 kernels against a scalar dequantize-then-multiply reference written here from the format
 * description ({@code QUANTIZATION.md}), on shapes whose K is not a multiple of the block or the vector length and
 * whose N is not a multiple of the kernels' tiles.
 */
class QuantizedKernelTest {
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of(WeightFormat.Q8_0, 7, 32), Arguments.of(WeightFormat.Q8_0, 13, 100),
                Arguments.of(WeightFormat.Q8_0, 131, 300), Arguments.of(WeightFormat.Q8_0, 33, 37),
                Arguments.of(WeightFormat.Q4_0, 7, 32), Arguments.of(WeightFormat.Q4_0, 13, 100),
                Arguments.of(WeightFormat.Q4_0, 131, 300), Arguments.of(WeightFormat.Q4_0, 33, 37),
                Arguments.of(WeightFormat.Q4_0, 40, 1030));
    }

    /** The format as documented: values and fp16 scales read back byte by byte. */
    static float[][] referenceDequantize(MatrixSource.Quantized q) {
        int blocks = (q.cols + 31) / 32;
        long rowBytes = q.format == WeightFormat.Q8_0 ? blocks * 32L : blocks * 16L;
        float[][] w = new float[q.rows][q.cols];
        for (int r = 0; r < q.rows; r++) {
            for (int k = 0; k < q.cols; k++) {
                int b = k / 32;
                int i = k % 32;
                float d = Float.float16ToFloat(q.scales.get(SHORT_LE, 2L * (r * (long) blocks + b)));
                int v;
                if (q.format == WeightFormat.Q8_0) {
                    v = q.values.get(ValueLayout.JAVA_BYTE, r * rowBytes + b * 32L + i);
                } else {
                    int byt = q.values.get(ValueLayout.JAVA_BYTE, r * rowBytes + b * 16L + (i % 16)) & 0xff;
                    v = (i < 16 ? byt & 15 : byt >> 4) - 8;
                }
                w[r][k] = v * d;
            }
        }
        return w;
    }

    static float[] random(int n, long seed, double scale) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale * (1 + (i % 7)));
        }
        return x;
    }

    static MatrixSource.Quantized quantized(WeightFormat f, int rows, int cols, long seed) {
        float[] w = random(rows * cols, seed, 0.05);
        return (MatrixSource.Quantized) MatrixSource.quantize(MatrixSource.ofArray(w, 0, rows, cols, cols), f);
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void quantizationStaysWithinHalfAStep(WeightFormat f, int rows, int cols) {
        float[] w = random(rows * cols, rows * 31L + cols, 0.05);
        MatrixSource.Quantized q = (MatrixSource.Quantized) MatrixSource.quantize(MatrixSource.ofArray(w, 0, rows, cols, cols), f);
        float[][] deq = referenceDequantize(q);
        int blocks = (cols + 31) / 32;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                float signed = Float.float16ToFloat(q.scales.get(SHORT_LE, 2L * (r * (long) blocks + k / 32)));
                float d = Math.abs(signed);
                float err = Math.abs(deq[r][k] - w[r * cols + k]);
                double t = w[r * cols + k] / (double) signed;
                if (f == WeightFormat.Q4_0 && (t < -8.5 || t > 7.5)) {
                    // beyond q4_0's range [-8, 7] steps (its searched scale may clip the largest values): the end level
                    assertEquals((t < 0 ? -8 : 7) * signed, deq[r][k], f + " row " + r + " col " + k + " clipped");
                    continue;
                }
                // half a quantization step, plus the fp16 rounding of the scale applied to the largest value
                float x = Math.abs(w[r * cols + k]);
                float bound = 0.5f * d * 1.001f + x * 1e-3f;
                assertTrue(err <= bound, f + " row " + r + " col " + k + ": |" + deq[r][k] + " - " + w[r * cols + k] + "| > " + bound);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void readRowMatchesTheFormatBitForBit(WeightFormat f, int rows, int cols) {
        MatrixSource.Quantized q = quantized(f, rows, cols, 7 + rows);
        float[][] ref = referenceDequantize(q);
        float[] row = new float[cols + 3];
        for (int r = 0; r < rows; r++) {
            q.readRow(r, 0, cols, row, 3);
            for (int k = 0; k < cols; k++) {
                assertEquals(ref[r][k], row[3 + k], f + " row " + r + " col " + k);
            }
            // a window starting inside a block and ending inside another (scalar and vector parts mixed)
            int k0 = Math.min(5, cols - 1);
            int len = cols - k0 - Math.min(3, cols - k0 - 1);
            q.readRow(r, k0, len, row, 0);
            for (int k = 0; k < len; k++) {
                assertEquals(ref[r][k0 + k], row[k], f + " row " + r + " window col " + (k0 + k));
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("shapes")
    void gemmMatchesScalarDequantizeThenMultiply(WeightFormat f, int rows, int cols) {
        MatrixSource.Quantized q = quantized(f, rows, cols, 11 + cols);
        float[][] w = referenceDequantize(q);
        try (Parallel pool = new Parallel(3)) {
            for (int m : new int[]{1, 3, 5, 15, 16, 17, 33, 64, 70}) {
                float[] a = random(m * cols, m, 1.0);
                float[] c = new float[m * rows];
                Gemm.gemm(a, 0, cols, m, q, c, 0, rows, pool);
                for (int i = 0; i < m; i++) {
                    for (int n = 0; n < rows; n++) {
                        double sum = 0;
                        double mag = 0;
                        for (int k = 0; k < cols; k++) {
                            sum += (double) a[i * cols + k] * w[n][k];
                            mag += Math.abs((double) a[i * cols + k] * w[n][k]);
                        }
                        double err = Math.abs(c[i * rows + n] - sum);
                        assertTrue(err <= 1e-5 * mag + 1e-30, f + " M=" + m + " (" + i + "," + n + "): " + c[i * rows + n] + " vs " + sum);
                    }
                }
            }
        }
    }

    /** Rows of an M=1..15 product (small path) equal, bit for bit, the same rows inside an M=40 product (blocked path). */
    @Test
    void smallAndBlockedPathsGiveTheSameBits() {
        int rows = 70;
        int cols = 1100; // more than one K slab of either path, not a multiple of 16 or 32
        for (MatrixSource w : new MatrixSource[]{MatrixSource.ofArray(random(rows * cols, 3, 0.1), 0, rows, cols, cols),
                quantized(WeightFormat.Q8_0, rows, cols, 4), quantized(WeightFormat.Q4_0, rows, cols, 5)}) {
            float[] a = random(40 * cols, 9, 1.0);
            float[] big = new float[40 * rows];
            try (Parallel pool = new Parallel(2)) {
                Gemm.gemm(a, 0, cols, 40, w, big, 0, rows, pool);
                for (int m = 1; m < Gemm.SMALL_M; m += 3) {
                    float[] small = new float[m * rows];
                    Gemm.gemm(a, cols, cols, m, w, small, 0, rows, pool); // rows 1..m of a
                    float[] expected = java.util.Arrays.copyOfRange(big, rows, rows + m * rows);
                    assertArrayEquals(expected, small, "M=" + m + " " + w.getClass().getSimpleName());
                }
            }
        }
    }

    @Test
    void quantizeOnLoadIsDeterministicAndCompact() {
        float[] w = random(50 * 96, 1, 0.2);
        MatrixSource src = MatrixSource.ofArray(w, 0, 50, 96, 96);
        MatrixSource.Quantized a = (MatrixSource.Quantized) MatrixSource.quantize(src, WeightFormat.Q4_0);
        MatrixSource.Quantized b = (MatrixSource.Quantized) MatrixSource.quantize(src, WeightFormat.Q4_0);
        assertEquals(-1, a.values.mismatch(b.values));
        assertEquals(-1, a.scales.mismatch(b.scales));
        assertEquals(50L * 3 * 18, a.weightBytes(), "q4_0: 18 bytes per block of 32");
        assertEquals(50L * 3 * 34, MatrixSource.quantize(src, WeightFormat.Q8_0).weightBytes(), "q8_0: 34 bytes per block");
        MemorySegment unused = a.values;
        assertTrue(unused.byteSize() >= 50L * 3 * 16);
    }
}
