package dev.dream4j.backend.cpu;

import dev.dream4j.spi.model.DType;

import java.lang.foreign.MemorySegment;

/**
 * Entry points into the kernels for the benchmark ({@code dev.dream4j.backend.cpu.bench}). The package is not exported:
 * this is not API.
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

    /** The float vector species the kernels use. */
    public static String species() {
        return Gemm.F.toString();
    }

    @Override
    public void close() {
        pool.close();
    }
}
