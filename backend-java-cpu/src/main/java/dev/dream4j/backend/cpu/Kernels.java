package dev.dream4j.backend.cpu;

import dev.dream4j.spi.model.DType;

import java.lang.foreign.MemorySegment;

/**
 * Entry points into the kernels for the benchmarks ({@code CpuBench} and the JMH {@code GemmBenchmark} in the
 * {@code benchmarks} module, compiled with one {@code --add-exports}). The package is not exported: this is not API.
 */
public final class Kernels implements AutoCloseable {
    private final Parallel pool;

    public Kernels(int threads) {
        this.pool = new Parallel(threads);
    }

    /** {@code c[M×N] = a[M×K] · W^T}, W a row-major {@code N×K} tensor of {@code dtype} in {@code weights}. */
    public void gemm(float[] a, int m, MemorySegment weights, DType dtype, int n, int k, float[] c) {
        MatrixSource w = switch (dtype) {
            case BF16 -> new MatrixSource.Bf16(n, k, weights);
            case F16 -> new MatrixSource.F16(n, k, weights);
            case F32 -> new MatrixSource.F32(n, k, weights);
            case I8, U8 -> throw new IllegalArgumentException("quantized weights need their scales: use gemmQuantized");
        };
        Gemm.gemm(a, 0, k, m, w, c, 0, n, pool);
    }

    /** A weight matrix prepared for {@link #gemm(float[], int, Weights, float[])}: as stored, or quantized. */
    public static final class Weights {
        private final MatrixSource source;

        private Weights(MatrixSource source) {
            this.source = source;
        }

        /** Bytes one pass over the matrix reads (values and scales). */
        public long bytes() {
            return source.weightBytes();
        }
    }

    /**
     * A row-major {@code n×k} bf16 matrix in {@code bf16}, read in place ({@code format} "bf16"), or quantized now
     * ("q8_0", "q4_0").
     */
    public static Weights weights(MemorySegment bf16, int n, int k, String format) {
        MatrixSource src = new MatrixSource.Bf16(n, k, bf16);
        return new Weights(switch (format) {
            case "bf16" -> src;
            case "q8_0" -> MatrixSource.quantize(src, WeightFormat.Q8_0);
            case "q4_0" -> MatrixSource.quantize(src, WeightFormat.Q4_0);
            default -> throw new IllegalArgumentException("unknown weight format " + format + " (bf16, q8_0, q4_0)");
        });
    }

    /** {@code c[M×N] = a[M×K] · W^T}. */
    public void gemm(float[] a, int m, Weights w, float[] c) {
        Gemm.gemm(a, 0, w.source.cols, m, w.source, c, 0, w.source.rows, pool);
    }

    /** {@link #gemm(float[], int, Weights, float[])} on the blocked path even where M would take the small path. */
    public void gemmBlocked(float[] a, int m, Weights w, float[] c) {
        Gemm.gemmBlocked(a, 0, w.source.cols, m, w.source, c, 0, w.source.rows, pool);
    }

    /** M below this takes the small-M path. */
    public static int smallM() {
        return Gemm.SMALL_M;
    }

    /** The float vector species the kernels use. */
    public static String species() {
        return Gemm.F.toString();
    }

    @Override
    public void close() {
        pool.close();
    }
}
