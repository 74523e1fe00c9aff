package dev.dream4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.function.IntConsumer;

/**
 * {@code C[M×N] = A[M×K] · W^T} where A is fp32 activations and W a row-major {@code N×K} {@link MatrixSource}
 * (Hugging Face linear layout).
 *
 * <p>Blocked path (M ≥ {@link #SMALL_M}): A is transposed once into column chunks of {@code 2·VL} rows
 * ({@code at[chunk][k][lane]}), W is converted block by block ({@link #NC} rows × {@link #KC} columns) into a
 * cache-resident fp32 panel, and an 8 × 2-vector register tile computes {@code C^T} with one FMA chain per output,
 * in ascending k. The result of an element depends only on its A row and W row, not on M, the tile position, the
 * thread count or the block sizes: that makes the blocked path bit-identical across batch composition and threads.
 * Threads split N by blocks of {@link #NC} rows.
 *
 * <p>Small path (M &lt; {@link #SMALL_M}): a W row is converted once and dotted with each A row (vector over K).
 */
final class Gemm {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int VL = F.length();
    static final int MW = Integer.getInteger("dream4j.cpu.mw", 3) * VL;
    static final int MR = 8;
    static final int KC = 128;
    static final int NC = 128;
    static final int SMALL_M = 1; // the small path is off: every M uses the bit-reproducible blocked path

    private Gemm() {
    }

    /**
     * Computes {@code c[cOff + i*ldc + n] = Σ_k a[aOff + i*lda + k] · w[n][k]} for i &lt; m, n &lt; w.rows.
     *
     * @param pool threads to split N over, or {@code null} for the calling thread only
     */
    static void gemm(float[] a, int aOff, int lda, int m, MatrixSource w, float[] c, int cOff, int ldc, Parallel pool) {
        if (m <= 0 || w.rows == 0) {
            return;
        }
        if (m < SMALL_M) {
            small(a, aOff, lda, m, w, c, cOff, ldc, pool);
        } else {
            blocked(a, aOff, lda, m, w, c, cOff, ldc, pool);
        }
    }

    private static void small(float[] a, int aOff, int lda, int m, MatrixSource w, float[] c, int cOff, int ldc, Parallel pool) {
        final int k = w.cols;
        final int n = w.rows;
        final int rowsPerTask = 64;
        int tasks = (n + rowsPerTask - 1) / rowsPerTask;
        java.util.function.Supplier<IntConsumer> worker = () -> {
            float[] row = new float[k];
            return t -> {
                int n0 = t * rowsPerTask;
                int n1 = Math.min(n, n0 + rowsPerTask);
                for (int r = n0; r < n1; r++) {
                    w.readRow(r, 0, k, row, 0);
                    for (int i = 0; i < m; i++) {
                        c[cOff + i * ldc + r] = dot(row, 0, a, aOff + i * lda, k);
                    }
                }
            };
        };
        if (pool == null) {
            IntConsumer b = worker.get();
            for (int t = 0; t < tasks; t++) {
                b.accept(t);
            }
        } else {
            pool.forEach(tasks, worker);
        }
    }

    /** Vector dot product with two partial sums and a masked tail. */
    static float dot(float[] x, int xo, float[] y, int yo, int len) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * VL <= len; i += 2 * VL) {
            s0 = FloatVector.fromArray(F, x, xo + i).fma(FloatVector.fromArray(F, y, yo + i), s0);
            s1 = FloatVector.fromArray(F, x, xo + i + VL).fma(FloatVector.fromArray(F, y, yo + i + VL), s1);
        }
        for (; i < len; i += VL) {
            VectorMask<Float> mk = F.indexInRange(i, len);
            s0 = FloatVector.fromArray(F, x, xo + i, mk).fma(FloatVector.fromArray(F, y, yo + i, mk), s0);
        }
        return VMath.sum(s0.add(s1));
    }

    /** Per-thread scratch arrays, reused across calls (grown on demand, never shrunk below {@link #KEEP}). */
    private static final class Scratch {
        float[] at = new float[0];
        float[] wbuf = new float[NC * KC];
        float[] ct = new float[0];
    }

    /** Largest scratch array (floats) kept between calls; bigger ones are allocated per call. */
    private static final int KEEP = 16 << 20;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static float[] grow(float[] have, int need) {
        if (have.length >= need) {
            return have;
        }
        return new float[need];
    }

    private static void blocked(float[] a, int aOff, int lda, int m, MatrixSource w, float[] c, int cOff, int ldc, Parallel pool) {
        final int k = w.cols;
        final int n = w.rows;
        final int mPad = (m + VL - 1) / VL * VL;
        final Scratch mine = SCRATCH.get();
        final float[] at = grow(mine.at, k * mPad);
        if (at != mine.at && at.length <= KEEP) {
            mine.at = at;
        }
        // transpose A into chunks: chunk q (width wq) starts at q*MW*k, element (i, kk) at start + kk*wq + (i - q*MW)
        final int chunks = (mPad + MW - 1) / MW;
        final int[] idx = new int[VL];
        for (int j = 0; j < VL; j++) {
            idx[j] = j * lda;
        }
        final int vecs = mPad / VL;
        IntConsumer transpose = v -> {
            // one vector of VL rows (i0 .. i0+VL) gathered column by column
            int i0 = v * VL;
            int q = i0 / MW;
            int qStart = q * MW;
            int wq = Math.min(MW, mPad - qStart);
            int dst = qStart * k + (i0 - qStart);
            int src = aOff + i0 * lda;
            if (i0 + VL <= m) {
                for (int kk = 0; kk < k; kk++) {
                    FloatVector.fromArray(F, a, src + kk, idx, 0).intoArray(at, dst + kk * wq);
                }
            } else {
                // last, partial vector: scalar, zeros in the padding rows
                for (int kk = 0; kk < k; kk++) {
                    int d = dst + kk * wq;
                    for (int j = 0; j < VL; j++) {
                        at[d + j] = i0 + j < m ? a[src + j * lda + kk] : 0f;
                    }
                }
            }
        };
        if (pool == null) {
            for (int v = 0; v < vecs; v++) {
                transpose.accept(v);
            }
        } else {
            pool.forEach(vecs, transpose);
        }
        final int blocks = (n + NC - 1) / NC;
        java.util.function.Supplier<IntConsumer> worker = () -> {
            Scratch s = SCRATCH.get();
            float[] wbuf = s.wbuf;
            float[] ct = grow(s.ct, NC * mPad);
            if (ct != s.ct && ct.length <= KEEP) {
                s.ct = ct;
            }
            return nb -> {
                int n0 = nb * NC;
                int nn = Math.min(NC, n - n0);
                int nnPad = (nn + MR - 1) / MR * MR;
                for (int k0 = 0; k0 < k; k0 += KC) {
                    int kc = Math.min(KC, k - k0);
                    for (int r = 0; r < nn; r++) {
                        w.readRow(n0 + r, k0, kc, wbuf, r * kc);
                    }
                    java.util.Arrays.fill(wbuf, nn * kc, nnPad * kc, 0f);
                    boolean first = k0 == 0;
                    for (int q = 0; q < chunks; q++) {
                        int i0 = q * MW;
                        int wq = Math.min(MW, mPad - i0);
                        int atOff = i0 * k + k0 * wq;
                        if (wq == 3 * VL) {
                            for (int r0 = 0; r0 < nnPad; r0 += MR) {
                                kernel8x3(wbuf, r0 * kc, kc, at, atOff, wq, ct, r0 * mPad + i0, mPad, first);
                            }
                        } else if (wq == 2 * VL) {
                            for (int r0 = 0; r0 < nnPad; r0 += MR) {
                                kernel8x2(wbuf, r0 * kc, kc, at, atOff, wq, ct, r0 * mPad + i0, mPad, first);
                            }
                        } else {
                            for (int r0 = 0; r0 < nnPad; r0 += MR) {
                                kernel8x1(wbuf, r0 * kc, kc, at, atOff, wq, ct, r0 * mPad + i0, mPad, first);
                            }
                        }
                    }
                }
                // C[i][n0 + r] = ct[r][i], 16 rows of C at a time so the written lines stay in L1
                for (int ib = 0; ib < m; ib += 16) {
                    int ie = Math.min(m, ib + 16);
                    for (int r = 0; r < nn; r++) {
                        int src = r * mPad;
                        int dst = cOff + n0 + r;
                        for (int i = ib; i < ie; i++) {
                            c[dst + i * ldc] = ct[src + i];
                        }
                    }
                }
            };
        };
        if (pool == null) {
            IntConsumer b = worker.get();
            for (int nb = 0; nb < blocks; nb++) {
                b.accept(nb);
            }
        } else {
            pool.forEach(blocks, worker);
        }
    }

    /** C^T tile of 8 weight rows × 3 vector(s) of m: ct[r][m] (+)= Σ_k w[r][k]·at[k][m]. */
    private static void kernel8x3(float[] w, int wOff, int kc, float[] at, int atOff, int mw, float[] ct, int ctOff, int ldct, boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 0);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 1 * VL);
        FloatVector c02 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 2 * VL);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 0);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 1 * VL);
        FloatVector c12 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 2 * VL);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 0);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 1 * VL);
        FloatVector c22 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 2 * VL);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 0);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 1 * VL);
        FloatVector c32 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 2 * VL);
        FloatVector c40 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 0);
        FloatVector c41 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 1 * VL);
        FloatVector c42 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 2 * VL);
        FloatVector c50 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 0);
        FloatVector c51 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 1 * VL);
        FloatVector c52 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 2 * VL);
        FloatVector c60 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 6 * ldct + 0);
        FloatVector c61 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 6 * ldct + 1 * VL);
        FloatVector c62 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 6 * ldct + 2 * VL);
        FloatVector c70 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 7 * ldct + 0);
        FloatVector c71 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 7 * ldct + 1 * VL);
        FloatVector c72 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 7 * ldct + 2 * VL);
        final int w0 = wOff + 0 * kc;
        final int w1 = wOff + 1 * kc;
        final int w2 = wOff + 2 * kc;
        final int w3 = wOff + 3 * kc;
        final int w4 = wOff + 4 * kc;
        final int w5 = wOff + 5 * kc;
        final int w6 = wOff + 6 * kc;
        final int w7 = wOff + 7 * kc;
        for (int k = 0; k < kc; k++) {
            int ao = atOff + k * mw;
            FloatVector a0 = FloatVector.fromArray(F, at, ao);
            FloatVector a1 = FloatVector.fromArray(F, at, ao + 1 * VL);
            FloatVector a2 = FloatVector.fromArray(F, at, ao + 2 * VL);
            FloatVector b0 = FloatVector.broadcast(F, w[w0 + k]);
            c00 = a0.fma(b0, c00);
            c01 = a1.fma(b0, c01);
            c02 = a2.fma(b0, c02);
            FloatVector b1 = FloatVector.broadcast(F, w[w1 + k]);
            c10 = a0.fma(b1, c10);
            c11 = a1.fma(b1, c11);
            c12 = a2.fma(b1, c12);
            FloatVector b2 = FloatVector.broadcast(F, w[w2 + k]);
            c20 = a0.fma(b2, c20);
            c21 = a1.fma(b2, c21);
            c22 = a2.fma(b2, c22);
            FloatVector b3 = FloatVector.broadcast(F, w[w3 + k]);
            c30 = a0.fma(b3, c30);
            c31 = a1.fma(b3, c31);
            c32 = a2.fma(b3, c32);
            FloatVector b4 = FloatVector.broadcast(F, w[w4 + k]);
            c40 = a0.fma(b4, c40);
            c41 = a1.fma(b4, c41);
            c42 = a2.fma(b4, c42);
            FloatVector b5 = FloatVector.broadcast(F, w[w5 + k]);
            c50 = a0.fma(b5, c50);
            c51 = a1.fma(b5, c51);
            c52 = a2.fma(b5, c52);
            FloatVector b6 = FloatVector.broadcast(F, w[w6 + k]);
            c60 = a0.fma(b6, c60);
            c61 = a1.fma(b6, c61);
            c62 = a2.fma(b6, c62);
            FloatVector b7 = FloatVector.broadcast(F, w[w7 + k]);
            c70 = a0.fma(b7, c70);
            c71 = a1.fma(b7, c71);
            c72 = a2.fma(b7, c72);
        }
        c00.intoArray(ct, ctOff + 0 * ldct);
        c01.intoArray(ct, ctOff + 0 * ldct + 1 * VL);
        c02.intoArray(ct, ctOff + 0 * ldct + 2 * VL);
        c10.intoArray(ct, ctOff + 1 * ldct);
        c11.intoArray(ct, ctOff + 1 * ldct + 1 * VL);
        c12.intoArray(ct, ctOff + 1 * ldct + 2 * VL);
        c20.intoArray(ct, ctOff + 2 * ldct);
        c21.intoArray(ct, ctOff + 2 * ldct + 1 * VL);
        c22.intoArray(ct, ctOff + 2 * ldct + 2 * VL);
        c30.intoArray(ct, ctOff + 3 * ldct);
        c31.intoArray(ct, ctOff + 3 * ldct + 1 * VL);
        c32.intoArray(ct, ctOff + 3 * ldct + 2 * VL);
        c40.intoArray(ct, ctOff + 4 * ldct);
        c41.intoArray(ct, ctOff + 4 * ldct + 1 * VL);
        c42.intoArray(ct, ctOff + 4 * ldct + 2 * VL);
        c50.intoArray(ct, ctOff + 5 * ldct);
        c51.intoArray(ct, ctOff + 5 * ldct + 1 * VL);
        c52.intoArray(ct, ctOff + 5 * ldct + 2 * VL);
        c60.intoArray(ct, ctOff + 6 * ldct);
        c61.intoArray(ct, ctOff + 6 * ldct + 1 * VL);
        c62.intoArray(ct, ctOff + 6 * ldct + 2 * VL);
        c70.intoArray(ct, ctOff + 7 * ldct);
        c71.intoArray(ct, ctOff + 7 * ldct + 1 * VL);
        c72.intoArray(ct, ctOff + 7 * ldct + 2 * VL);
    }

    /** C^T tile of 8 weight rows × 2 vector(s) of m: ct[r][m] (+)= Σ_k w[r][k]·at[k][m]. */
    private static void kernel8x2(float[] w, int wOff, int kc, float[] at, int atOff, int mw, float[] ct, int ctOff, int ldct, boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 0);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 1 * VL);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 0);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 1 * VL);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 0);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 1 * VL);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 0);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 1 * VL);
        FloatVector c40 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 0);
        FloatVector c41 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 1 * VL);
        FloatVector c50 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 0);
        FloatVector c51 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 1 * VL);
        FloatVector c60 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 6 * ldct + 0);
        FloatVector c61 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 6 * ldct + 1 * VL);
        FloatVector c70 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 7 * ldct + 0);
        FloatVector c71 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 7 * ldct + 1 * VL);
        final int w0 = wOff + 0 * kc;
        final int w1 = wOff + 1 * kc;
        final int w2 = wOff + 2 * kc;
        final int w3 = wOff + 3 * kc;
        final int w4 = wOff + 4 * kc;
        final int w5 = wOff + 5 * kc;
        final int w6 = wOff + 6 * kc;
        final int w7 = wOff + 7 * kc;
        for (int k = 0; k < kc; k++) {
            int ao = atOff + k * mw;
            FloatVector a0 = FloatVector.fromArray(F, at, ao);
            FloatVector a1 = FloatVector.fromArray(F, at, ao + 1 * VL);
            FloatVector b0 = FloatVector.broadcast(F, w[w0 + k]);
            c00 = a0.fma(b0, c00);
            c01 = a1.fma(b0, c01);
            FloatVector b1 = FloatVector.broadcast(F, w[w1 + k]);
            c10 = a0.fma(b1, c10);
            c11 = a1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(F, w[w2 + k]);
            c20 = a0.fma(b2, c20);
            c21 = a1.fma(b2, c21);
            FloatVector b3 = FloatVector.broadcast(F, w[w3 + k]);
            c30 = a0.fma(b3, c30);
            c31 = a1.fma(b3, c31);
            FloatVector b4 = FloatVector.broadcast(F, w[w4 + k]);
            c40 = a0.fma(b4, c40);
            c41 = a1.fma(b4, c41);
            FloatVector b5 = FloatVector.broadcast(F, w[w5 + k]);
            c50 = a0.fma(b5, c50);
            c51 = a1.fma(b5, c51);
            FloatVector b6 = FloatVector.broadcast(F, w[w6 + k]);
            c60 = a0.fma(b6, c60);
            c61 = a1.fma(b6, c61);
            FloatVector b7 = FloatVector.broadcast(F, w[w7 + k]);
            c70 = a0.fma(b7, c70);
            c71 = a1.fma(b7, c71);
        }
        c00.intoArray(ct, ctOff + 0 * ldct);
        c01.intoArray(ct, ctOff + 0 * ldct + 1 * VL);
        c10.intoArray(ct, ctOff + 1 * ldct);
        c11.intoArray(ct, ctOff + 1 * ldct + 1 * VL);
        c20.intoArray(ct, ctOff + 2 * ldct);
        c21.intoArray(ct, ctOff + 2 * ldct + 1 * VL);
        c30.intoArray(ct, ctOff + 3 * ldct);
        c31.intoArray(ct, ctOff + 3 * ldct + 1 * VL);
        c40.intoArray(ct, ctOff + 4 * ldct);
        c41.intoArray(ct, ctOff + 4 * ldct + 1 * VL);
        c50.intoArray(ct, ctOff + 5 * ldct);
        c51.intoArray(ct, ctOff + 5 * ldct + 1 * VL);
        c60.intoArray(ct, ctOff + 6 * ldct);
        c61.intoArray(ct, ctOff + 6 * ldct + 1 * VL);
        c70.intoArray(ct, ctOff + 7 * ldct);
        c71.intoArray(ct, ctOff + 7 * ldct + 1 * VL);
    }

    /** C^T tile of 8 weight rows × 1 vector(s) of m: ct[r][m] (+)= Σ_k w[r][k]·at[k][m]. */
    private static void kernel8x1(float[] w, int wOff, int kc, float[] at, int atOff, int mw, float[] ct, int ctOff, int ldct, boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 0);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 0);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 0);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 0);
        FloatVector c40 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 0);
        FloatVector c50 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 0);
        FloatVector c60 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 6 * ldct + 0);
        FloatVector c70 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 7 * ldct + 0);
        final int w0 = wOff + 0 * kc;
        final int w1 = wOff + 1 * kc;
        final int w2 = wOff + 2 * kc;
        final int w3 = wOff + 3 * kc;
        final int w4 = wOff + 4 * kc;
        final int w5 = wOff + 5 * kc;
        final int w6 = wOff + 6 * kc;
        final int w7 = wOff + 7 * kc;
        for (int k = 0; k < kc; k++) {
            int ao = atOff + k * mw;
            FloatVector a0 = FloatVector.fromArray(F, at, ao);
            FloatVector b0 = FloatVector.broadcast(F, w[w0 + k]);
            c00 = a0.fma(b0, c00);
            FloatVector b1 = FloatVector.broadcast(F, w[w1 + k]);
            c10 = a0.fma(b1, c10);
            FloatVector b2 = FloatVector.broadcast(F, w[w2 + k]);
            c20 = a0.fma(b2, c20);
            FloatVector b3 = FloatVector.broadcast(F, w[w3 + k]);
            c30 = a0.fma(b3, c30);
            FloatVector b4 = FloatVector.broadcast(F, w[w4 + k]);
            c40 = a0.fma(b4, c40);
            FloatVector b5 = FloatVector.broadcast(F, w[w5 + k]);
            c50 = a0.fma(b5, c50);
            FloatVector b6 = FloatVector.broadcast(F, w[w6 + k]);
            c60 = a0.fma(b6, c60);
            FloatVector b7 = FloatVector.broadcast(F, w[w7 + k]);
            c70 = a0.fma(b7, c70);
        }
        c00.intoArray(ct, ctOff + 0 * ldct);
        c10.intoArray(ct, ctOff + 1 * ldct);
        c20.intoArray(ct, ctOff + 2 * ldct);
        c30.intoArray(ct, ctOff + 3 * ldct);
        c40.intoArray(ct, ctOff + 4 * ldct);
        c50.intoArray(ct, ctOff + 5 * ldct);
        c60.intoArray(ct, ctOff + 6 * ldct);
        c70.intoArray(ct, ctOff + 7 * ldct);
    }
}
