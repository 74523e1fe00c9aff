package dev.dream4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.util.function.IntConsumer;

/**
 * {@code C[M×N] = A[M×K] · W^T} where A is fp32 activations and W a row-major {@code N×K} {@link MatrixSource}
 * (Hugging Face linear layout).
 *
 * <p>Blocked path (M ≥ {@link #SMALL_M}): A is transposed once into K slabs of {@link #KC} columns, each cut into
 * chunks of {@link #MW} = 4·VL rows ({@code at[slab][chunk][k][lane]}; 16×16 in-register transposes when VL = 16, gathers otherwise), W is converted block by
 * block ({@link #NC} rows × {@link #KS}·{@link #KC} columns, each row read as one run) into an L2-resident fp32 panel, and a {@link #MR} × 4-vector
 * register tile (24 accumulators) computes {@code C^T} with one FMA chain per output, in ascending k (partial sums are
 * stored and reloaded exactly between K blocks). The result of an element depends only on its A row and W row, not
 * on M, the tile position, the thread count or the block sizes: that makes the blocked path bit-identical across
 * batch composition and threads. Threads split N into blocks of at most {@link #NC} rows, as many blocks as
 * a multiple of the thread count where N allows. Scratch arrays are per thread and
 * reused across calls.
 *
 * <p>Small path (M &lt; {@link #SMALL_M}): W is transposed panel by panel and A rows are broadcast against it,
 * with the same per-element FMA chain as the blocked path (see {@link #small}).
 */
final class Gemm {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int VL = F.length();
    static final int MW = 4 * VL;
    static final int MR = 6;
    static final int KC = 128;
    static final int KS = 4; // K slabs of W converted together: a row's KS·KC columns are read in one go
    static final int NC = 126; // at most NC weight rows per block (a multiple of MR)
    static final int SMALL_M = 16; // M below this takes the small path (same bits as the blocked path)
    static final int NP = 2 * VL; // weight rows per small-path panel
    static final int KB = 512; // K columns per small-path slab (a 2·VL × KB panel stays in L1/L2)

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
            blocked(a, aOff, lda, m, w, c, cOff, ldc, pool, pool, false);
        }
    }

    /** {@link #gemm} forced onto the blocked path whatever M (for the benchmark's small-path comparison). */
    static void gemmBlocked(float[] a, int aOff, int lda, int m, MatrixSource w, float[] c, int cOff, int ldc, Parallel pool) {
        if (m > 0 && w.rows > 0) {
            blocked(a, aOff, lda, m, w, c, cOff, ldc, pool, pool, false);
        }
    }

    /**
     * The transposed product: {@code c[cOff + n*ldc + i] = Σ_k a[aOff + i*lda + k] · w[n][k]} for i &lt; m, n &lt; w.rows,
     * i.e. {@code C^T = W · A^T}. Same blocked path and per-element FMA chain as {@link #gemm} (so each element is
     * bit-identical to the corresponding one of {@code gemm}), but the kernel's {@code C^T} tile is copied out row by
     * row instead of being transposed: cheaper when the result is wanted as {@code W · A^T}.
     *
     * Runs on the calling thread only (for use inside a task of {@code owner}), with the calling thread's scratch of
     * {@code owner}.
     */
    static void gemmT(float[] a, int aOff, int lda, int m, MatrixSource w, float[] c, int cOff, int ldc, Parallel owner) {
        if (m <= 0 || w.rows == 0) {
            return;
        }
        blocked(a, aOff, lda, m, w, c, cOff, ldc, null, owner, true);
    }

    /**
     * Small-M path: W is converted {@link #NP} rows × {@link #KB} columns at a time, transposed in registers into a
     * k-major panel ({@code wt[k][r]}), and each A row is broadcast against it: {@code c[i][r..r+VL) = fma(a[i][k],
     * wt[k][r..r+VL), c)}, in ascending k, from zero, partial sums stored exactly between K slabs. That is the blocked
     * path's FMA chain per output element (an FMA's product is commutative), so both paths give the same bits and the
     * result still depends only on the A row and the W row. For M = 1 a weight costs a conversion, 1/16 of a
     * transpose and 1/VL of an FMA instead of one broadcast FMA per weight in the blocked kernels.
     */
    private static void small(float[] a, int aOff, int lda, int m, MatrixSource w, float[] c, int cOff, int ldc, Parallel pool) {
        final int k = w.cols;
        final int n = w.rows;
        final int panels = (n + NP - 1) / NP;
        java.util.function.Supplier<IntConsumer> worker = () -> {
            Scratch s = pool == null ? new Scratch() : pool.scratch(Scratch.class, Scratch::new);
            if (s.acc.length < SMALL_M * NP) {
                s.acc = new float[SMALL_M * NP];
            }
            final float[] wp = s.wp;
            final float[] wt = s.wt;
            final float[] acc = s.acc;
            return p -> {
                int n0 = p * NP;
                int nn = Math.min(NP, n - n0);
                for (int k0 = 0; k0 < k; k0 += KB) {
                    int kc = Math.min(KB, k - k0);
                    for (int r = 0; r < nn; r++) {
                        w.readRow(n0 + r, k0, kc, wp, r * kc);
                    }
                    java.util.Arrays.fill(wp, nn * kc, NP * kc, 0f);
                    transposePanel(wp, kc, wt);
                    boolean first = k0 == 0;
                    int i = 0;
                    for (; i + 4 <= m; i += 4) {
                        panel4(a, aOff + i * lda + k0, lda, wt, kc, acc, i * NP, first);
                    }
                    for (; i < m; i++) {
                        panel1(a, aOff + i * lda + k0, wt, kc, acc, i * NP, first);
                    }
                }
                for (int i = 0; i < m; i++) {
                    System.arraycopy(acc, i * NP, c, cOff + i * ldc + n0, nn);
                }
            };
        };
        if (pool == null) {
            IntConsumer b = worker.get();
            for (int t = 0; t < panels; t++) {
                b.accept(t);
            }
        } else {
            pool.forEach(panels, worker);
        }
    }

    /** {@code wt[kk*NP + r] = wp[r*kc + kk]} for r &lt; NP, kk &lt; kc: 16×16 register transposes, scalar tail. */
    private static void transposePanel(float[] wp, int kc, float[] wt) {
        int kk = 0;
        if (VL == 16) {
            for (; kk + 16 <= kc; kk += 16) {
                for (int g = 0; g < NP; g += 16) {
                    transpose16(wp, g * kc + kk, kc, wt, kk * NP + g, NP);
                }
            }
        }
        for (; kk < kc; kk++) {
            for (int r = 0; r < NP; r++) {
                wt[kk * NP + r] = wp[r * kc + kk];
            }
        }
    }

    /** Four A rows against a k-major panel of {@link #NP} = 2·VL weight rows: 8 accumulators. */
    private static void panel4(float[] a, int ao, int lda, float[] wt, int kc, float[] acc, int accOff, boolean first) {
        final int o0 = accOff;
        final int o1 = accOff + NP;
        final int o2 = accOff + 2 * NP;
        final int o3 = accOff + 3 * NP;
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, o0);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, o0 + VL);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, o1);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, o1 + VL);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, o2);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, o2 + VL);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, o3);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, o3 + VL);
        final int a0 = ao;
        final int a1 = ao + lda;
        final int a2 = ao + 2 * lda;
        final int a3 = ao + 3 * lda;
        for (int k = 0; k < kc; k++) {
            FloatVector w0 = FloatVector.fromArray(F, wt, k * NP);
            FloatVector w1 = FloatVector.fromArray(F, wt, k * NP + VL);
            FloatVector b0 = FloatVector.broadcast(F, a[a0 + k]);
            c00 = w0.fma(b0, c00);
            c01 = w1.fma(b0, c01);
            FloatVector b1 = FloatVector.broadcast(F, a[a1 + k]);
            c10 = w0.fma(b1, c10);
            c11 = w1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(F, a[a2 + k]);
            c20 = w0.fma(b2, c20);
            c21 = w1.fma(b2, c21);
            FloatVector b3 = FloatVector.broadcast(F, a[a3 + k]);
            c30 = w0.fma(b3, c30);
            c31 = w1.fma(b3, c31);
        }
        c00.intoArray(acc, o0);
        c01.intoArray(acc, o0 + VL);
        c10.intoArray(acc, o1);
        c11.intoArray(acc, o1 + VL);
        c20.intoArray(acc, o2);
        c21.intoArray(acc, o2 + VL);
        c30.intoArray(acc, o3);
        c31.intoArray(acc, o3 + VL);
    }

    /** One A row against a k-major panel (two accumulators, one FMA chain per output). */
    private static void panel1(float[] a, int ao, float[] wt, int kc, float[] acc, int accOff, boolean first) {
        FloatVector c0 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, accOff);
        FloatVector c1 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, acc, accOff + VL);
        for (int k = 0; k < kc; k++) {
            FloatVector b = FloatVector.broadcast(F, a[ao + k]);
            c0 = FloatVector.fromArray(F, wt, k * NP).fma(b, c0);
            c1 = FloatVector.fromArray(F, wt, k * NP + VL).fma(b, c1);
        }
        c0.intoArray(acc, accOff);
        c1.intoArray(acc, accOff + VL);
    }

    /** Per-thread scratch arrays of one pool, reused across calls (grown on demand, kept up to {@link #KEEP}). */
    private static final class Scratch {
        float[] at = new float[0];
        float[] wbuf = new float[KS * (NC + MR) * KC];
        float[] ct = new float[0];
        final float[] wp = new float[NP * KB];
        final float[] wt = new float[NP * KB];
        float[] acc = new float[0];
    }

    /** Largest scratch array (floats) kept between calls; bigger ones are allocated per call. */
    private static final int KEEP = 16 << 20;

    private static float[] grow(float[] have, int need) {
        if (have.length >= need) {
            return have;
        }
        return new float[need];
    }

    private static void blocked(float[] a, int aOff, int lda, int m, MatrixSource w, float[] c, int cOff, int ldc, Parallel pool,
                                Parallel owner, boolean transOut) {
        final int k = w.cols;
        final int n = w.rows;
        final int mPad = (m + VL - 1) / VL * VL;
        final Scratch mine = owner == null ? new Scratch() : owner.scratch(Scratch.class, Scratch::new);
        final float[] at = grow(mine.at, k * mPad);
        if (at != mine.at && at.length <= KEEP) {
            mine.at = at;
        }
        // transpose A, K slab by K slab (KC columns, the slab of every row contiguous, so that one pass over a K slab
        // streams through memory): slab k0 (width kc) starts at k0*mPad; in it chunk q (width wq, rows from
        // i0 = q*MW) starts at i0*kc, element (i, kk) at k0*mPad + i0*kc + (kk - k0)*wq + (i - i0)
        final int chunks = (mPad + MW - 1) / MW;
        final int[] idx = new int[VL];
        for (int j = 0; j < VL; j++) {
            idx[j] = j * lda;
        }
        IntConsumer transpose = q -> {
            int qStart = q * MW;
            int wq = Math.min(MW, mPad - qStart);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                for (int i0 = qStart; i0 < qStart + wq; i0 += VL) {
                    int dst = k0 * mPad + qStart * kc + (i0 - qStart);
                    int src = aOff + i0 * lda + k0;
                    if (i0 + VL <= m && VL == 16) {
                        pack16(a, src, lda, kc, at, dst, wq);
                    } else if (i0 + VL <= m) {
                        for (int kk = 0; kk < kc; kk++) {
                            FloatVector.fromArray(F, a, src + kk, idx, 0).intoArray(at, dst + kk * wq);
                        }
                    } else {
                        // last, partial vector: scalar, zeros in the padding rows
                        for (int kk = 0; kk < kc; kk++) {
                            int d = dst + kk * wq;
                            for (int j = 0; j < VL; j++) {
                                at[d + j] = i0 + j < m ? a[src + j * lda + kk] : 0f;
                            }
                        }
                    }
                }
            }
        };
        if (pool == null) {
            for (int q = 0; q < chunks; q++) {
                transpose.accept(q);
            }
        } else {
            pool.forEach(chunks, transpose);
        }
        // N blocks of bs ≤ NC rows (a multiple of MR), their count rounded up to a multiple of the thread count
        final int threads = pool == null ? 1 : pool.threads();
        int nbWanted = (n + NC - 1) / NC;
        if (threads > 1 && n >= threads * MR) {
            nbWanted = (nbWanted + threads - 1) / threads * threads;
        }
        final int bs = Math.min(NC, ((n + nbWanted - 1) / nbWanted + MR - 1) / MR * MR);
        final int blocks = (n + bs - 1) / bs;
        java.util.function.Supplier<IntConsumer> worker = () -> {
            Scratch s = pool == null ? mine : pool.scratch(Scratch.class, Scratch::new);
            float[] wbuf = s.wbuf;
            float[] ct = grow(s.ct, (NC + MR) * mPad);
            if (ct != s.ct && ct.length <= KEEP) {
                s.ct = ct;
            }
            return nb -> {
                int n0 = nb * bs;
                int nn = Math.min(bs, n - n0);
                int nnPad = (nn + MR - 1) / MR * MR;
                final int slab = (NC + MR) * KC;
                for (int g0 = 0; g0 < k; g0 += KS * KC) {
                    int gEnd = Math.min(k, g0 + KS * KC);
                    // convert KS slabs at once, row by row, so that each W row is read as one contiguous run
                    for (int r = 0; r < nn; r++) {
                        for (int k0 = g0, sl = 0; k0 < gEnd; k0 += KC, sl++) {
                            int kc = Math.min(KC, k - k0);
                            w.readRow(n0 + r, k0, kc, wbuf, sl * slab + r * kc);
                        }
                    }
                    for (int k0 = g0, sl = 0; k0 < gEnd; k0 += KC, sl++) {
                        int kc = Math.min(KC, k - k0);
                        int wb = sl * slab;
                        java.util.Arrays.fill(wbuf, wb + nn * kc, wb + nnPad * kc, 0f);
                        boolean first = k0 == 0;
                        for (int q = 0; q < chunks; q++) {
                            int i0 = q * MW;
                            int wq = Math.min(MW, mPad - i0);
                            int atOff = k0 * mPad + i0 * kc;
                            if (wq == 4 * VL) {
                                for (int r0 = 0; r0 < nnPad; r0 += MR) {
                                    kernel6x4(wbuf, wb + r0 * kc, kc, at, atOff, wq, ct, r0 * mPad + i0, mPad, first);
                                }
                            } else if (wq == 3 * VL) {
                                for (int r0 = 0; r0 < nnPad; r0 += MR) {
                                    kernel6x3(wbuf, wb + r0 * kc, kc, at, atOff, wq, ct, r0 * mPad + i0, mPad, first);
                                }
                            } else if (wq == 2 * VL) {
                                for (int r0 = 0; r0 < nnPad; r0 += MR) {
                                    kernel6x2(wbuf, wb + r0 * kc, kc, at, atOff, wq, ct, r0 * mPad + i0, mPad, first);
                                }
                            } else {
                                for (int r0 = 0; r0 < nnPad; r0 += MR) {
                                    kernel6x1(wbuf, wb + r0 * kc, kc, at, atOff, wq, ct, r0 * mPad + i0, mPad, first);
                                }
                            }
                        }
                    }
                }
                if (transOut) {
                    // C^T[n0 + r][i] = ct[r][i]: row copies
                    for (int r = 0; r < nn; r++) {
                        System.arraycopy(ct, r * mPad, c, cOff + (n0 + r) * ldc, m);
                    }
                    return;
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

    /** Two-source permutation indices for the 16×16 in-register transpose: stage s (half-width 8, 4, 2, 1), lo/hi. */
    private static final FloatVector[] TR_LO = new FloatVector[4];
    private static final FloatVector[] TR_HI = new FloatVector[4];

    static {
        if (VL == 16) {
            for (int s = 0; s < 4; s++) {
                int h = 8 >> s;
                float[] lo = new float[16];
                float[] hi = new float[16];
                for (int j = 0; j < 16; j++) {
                    int block = j / (2 * h) * 2 * h;
                    int off = j % (2 * h);
                    lo[j] = off < h ? block + off : 16 + block + off - h;
                    hi[j] = off < h ? block + h + off : 16 + block + off;
                }
                TR_LO[s] = FloatVector.fromArray(F, lo, 0);
                TR_HI[s] = FloatVector.fromArray(F, hi, 0);
            }
        }
    }

    /**
     * Packs 16 rows {@code a[src + r*lda + kk]} (r &lt; 16) into {@code at[dst + kk*wq + r]} for kk in [0, k): one 16×16
     * in-register transpose per call ({@code VL == 16} only; a small method so that C2 compiles it after a few calls
     * rather than waiting for an OSR of a long loop), and a scalar tail.
     */
    private static void pack16(float[] a, int src, int lda, int k, float[] at, int dst, int wq) {
        int kk = 0;
        for (; kk + 16 <= k; kk += 16) {
            transpose16(a, src + kk, lda, at, dst + kk * wq, wq);
        }
        for (; kk < k; kk++) {
            int d = dst + kk * wq;
            for (int j = 0; j < 16; j++) {
                at[d + j] = a[src + j * lda + kk];
            }
        }
    }

    private static void transpose16(float[] a, int src, int lda, float[] at, int dst, int wq) {
        final FloatVector l0 = TR_LO[0], h0 = TR_HI[0], l1 = TR_LO[1], h1 = TR_HI[1], l2 = TR_LO[2], h2 = TR_HI[2], l3 = TR_LO[3], h3 = TR_HI[3];
        {
            FloatVector x0 = FloatVector.fromArray(F, a, src + 0 * lda);
            FloatVector x1 = FloatVector.fromArray(F, a, src + 1 * lda);
            FloatVector x2 = FloatVector.fromArray(F, a, src + 2 * lda);
            FloatVector x3 = FloatVector.fromArray(F, a, src + 3 * lda);
            FloatVector x4 = FloatVector.fromArray(F, a, src + 4 * lda);
            FloatVector x5 = FloatVector.fromArray(F, a, src + 5 * lda);
            FloatVector x6 = FloatVector.fromArray(F, a, src + 6 * lda);
            FloatVector x7 = FloatVector.fromArray(F, a, src + 7 * lda);
            FloatVector x8 = FloatVector.fromArray(F, a, src + 8 * lda);
            FloatVector x9 = FloatVector.fromArray(F, a, src + 9 * lda);
            FloatVector x10 = FloatVector.fromArray(F, a, src + 10 * lda);
            FloatVector x11 = FloatVector.fromArray(F, a, src + 11 * lda);
            FloatVector x12 = FloatVector.fromArray(F, a, src + 12 * lda);
            FloatVector x13 = FloatVector.fromArray(F, a, src + 13 * lda);
            FloatVector x14 = FloatVector.fromArray(F, a, src + 14 * lda);
            FloatVector x15 = FloatVector.fromArray(F, a, src + 15 * lda);
            FloatVector y0_0 = l0.selectFrom(x0, x8);
            FloatVector y0_8 = h0.selectFrom(x0, x8);
            FloatVector y0_1 = l0.selectFrom(x1, x9);
            FloatVector y0_9 = h0.selectFrom(x1, x9);
            FloatVector y0_2 = l0.selectFrom(x2, x10);
            FloatVector y0_10 = h0.selectFrom(x2, x10);
            FloatVector y0_3 = l0.selectFrom(x3, x11);
            FloatVector y0_11 = h0.selectFrom(x3, x11);
            FloatVector y0_4 = l0.selectFrom(x4, x12);
            FloatVector y0_12 = h0.selectFrom(x4, x12);
            FloatVector y0_5 = l0.selectFrom(x5, x13);
            FloatVector y0_13 = h0.selectFrom(x5, x13);
            FloatVector y0_6 = l0.selectFrom(x6, x14);
            FloatVector y0_14 = h0.selectFrom(x6, x14);
            FloatVector y0_7 = l0.selectFrom(x7, x15);
            FloatVector y0_15 = h0.selectFrom(x7, x15);
            FloatVector y1_0 = l1.selectFrom(y0_0, y0_4);
            FloatVector y1_4 = h1.selectFrom(y0_0, y0_4);
            FloatVector y1_1 = l1.selectFrom(y0_1, y0_5);
            FloatVector y1_5 = h1.selectFrom(y0_1, y0_5);
            FloatVector y1_2 = l1.selectFrom(y0_2, y0_6);
            FloatVector y1_6 = h1.selectFrom(y0_2, y0_6);
            FloatVector y1_3 = l1.selectFrom(y0_3, y0_7);
            FloatVector y1_7 = h1.selectFrom(y0_3, y0_7);
            FloatVector y1_8 = l1.selectFrom(y0_8, y0_12);
            FloatVector y1_12 = h1.selectFrom(y0_8, y0_12);
            FloatVector y1_9 = l1.selectFrom(y0_9, y0_13);
            FloatVector y1_13 = h1.selectFrom(y0_9, y0_13);
            FloatVector y1_10 = l1.selectFrom(y0_10, y0_14);
            FloatVector y1_14 = h1.selectFrom(y0_10, y0_14);
            FloatVector y1_11 = l1.selectFrom(y0_11, y0_15);
            FloatVector y1_15 = h1.selectFrom(y0_11, y0_15);
            FloatVector y2_0 = l2.selectFrom(y1_0, y1_2);
            FloatVector y2_2 = h2.selectFrom(y1_0, y1_2);
            FloatVector y2_1 = l2.selectFrom(y1_1, y1_3);
            FloatVector y2_3 = h2.selectFrom(y1_1, y1_3);
            FloatVector y2_4 = l2.selectFrom(y1_4, y1_6);
            FloatVector y2_6 = h2.selectFrom(y1_4, y1_6);
            FloatVector y2_5 = l2.selectFrom(y1_5, y1_7);
            FloatVector y2_7 = h2.selectFrom(y1_5, y1_7);
            FloatVector y2_8 = l2.selectFrom(y1_8, y1_10);
            FloatVector y2_10 = h2.selectFrom(y1_8, y1_10);
            FloatVector y2_9 = l2.selectFrom(y1_9, y1_11);
            FloatVector y2_11 = h2.selectFrom(y1_9, y1_11);
            FloatVector y2_12 = l2.selectFrom(y1_12, y1_14);
            FloatVector y2_14 = h2.selectFrom(y1_12, y1_14);
            FloatVector y2_13 = l2.selectFrom(y1_13, y1_15);
            FloatVector y2_15 = h2.selectFrom(y1_13, y1_15);
            FloatVector y3_0 = l3.selectFrom(y2_0, y2_1);
            FloatVector y3_1 = h3.selectFrom(y2_0, y2_1);
            FloatVector y3_2 = l3.selectFrom(y2_2, y2_3);
            FloatVector y3_3 = h3.selectFrom(y2_2, y2_3);
            FloatVector y3_4 = l3.selectFrom(y2_4, y2_5);
            FloatVector y3_5 = h3.selectFrom(y2_4, y2_5);
            FloatVector y3_6 = l3.selectFrom(y2_6, y2_7);
            FloatVector y3_7 = h3.selectFrom(y2_6, y2_7);
            FloatVector y3_8 = l3.selectFrom(y2_8, y2_9);
            FloatVector y3_9 = h3.selectFrom(y2_8, y2_9);
            FloatVector y3_10 = l3.selectFrom(y2_10, y2_11);
            FloatVector y3_11 = h3.selectFrom(y2_10, y2_11);
            FloatVector y3_12 = l3.selectFrom(y2_12, y2_13);
            FloatVector y3_13 = h3.selectFrom(y2_12, y2_13);
            FloatVector y3_14 = l3.selectFrom(y2_14, y2_15);
            FloatVector y3_15 = h3.selectFrom(y2_14, y2_15);
            y3_0.intoArray(at, dst + 0 * wq);
            y3_1.intoArray(at, dst + 1 * wq);
            y3_2.intoArray(at, dst + 2 * wq);
            y3_3.intoArray(at, dst + 3 * wq);
            y3_4.intoArray(at, dst + 4 * wq);
            y3_5.intoArray(at, dst + 5 * wq);
            y3_6.intoArray(at, dst + 6 * wq);
            y3_7.intoArray(at, dst + 7 * wq);
            y3_8.intoArray(at, dst + 8 * wq);
            y3_9.intoArray(at, dst + 9 * wq);
            y3_10.intoArray(at, dst + 10 * wq);
            y3_11.intoArray(at, dst + 11 * wq);
            y3_12.intoArray(at, dst + 12 * wq);
            y3_13.intoArray(at, dst + 13 * wq);
            y3_14.intoArray(at, dst + 14 * wq);
            y3_15.intoArray(at, dst + 15 * wq);
        }
    }

    /** C^T tile of 6 weight rows × 4 vector(s) of m: ct[r][m] (+)= Σ_k w[r][k]·at[k][m], ascending k. */
    private static void kernel6x4(float[] w, int wOff, int kc, float[] at, int atOff, int mw, float[] ct, int ctOff, int ldct, boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 0 * VL);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 1 * VL);
        FloatVector c02 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 2 * VL);
        FloatVector c03 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 3 * VL);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 0 * VL);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 1 * VL);
        FloatVector c12 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 2 * VL);
        FloatVector c13 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 3 * VL);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 0 * VL);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 1 * VL);
        FloatVector c22 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 2 * VL);
        FloatVector c23 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 3 * VL);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 0 * VL);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 1 * VL);
        FloatVector c32 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 2 * VL);
        FloatVector c33 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 3 * VL);
        FloatVector c40 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 0 * VL);
        FloatVector c41 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 1 * VL);
        FloatVector c42 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 2 * VL);
        FloatVector c43 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 3 * VL);
        FloatVector c50 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 0 * VL);
        FloatVector c51 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 1 * VL);
        FloatVector c52 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 2 * VL);
        FloatVector c53 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 3 * VL);
        final int w0 = wOff + 0 * kc;
        final int w1 = wOff + 1 * kc;
        final int w2 = wOff + 2 * kc;
        final int w3 = wOff + 3 * kc;
        final int w4 = wOff + 4 * kc;
        final int w5 = wOff + 5 * kc;
        for (int k = 0; k < kc; k++) {
            int ao = atOff + k * mw;
            FloatVector a0 = FloatVector.fromArray(F, at, ao + 0 * VL);
            FloatVector a1 = FloatVector.fromArray(F, at, ao + 1 * VL);
            FloatVector a2 = FloatVector.fromArray(F, at, ao + 2 * VL);
            FloatVector a3 = FloatVector.fromArray(F, at, ao + 3 * VL);
            FloatVector b0 = FloatVector.broadcast(F, w[w0 + k]);
            c00 = a0.fma(b0, c00);
            c01 = a1.fma(b0, c01);
            c02 = a2.fma(b0, c02);
            c03 = a3.fma(b0, c03);
            FloatVector b1 = FloatVector.broadcast(F, w[w1 + k]);
            c10 = a0.fma(b1, c10);
            c11 = a1.fma(b1, c11);
            c12 = a2.fma(b1, c12);
            c13 = a3.fma(b1, c13);
            FloatVector b2 = FloatVector.broadcast(F, w[w2 + k]);
            c20 = a0.fma(b2, c20);
            c21 = a1.fma(b2, c21);
            c22 = a2.fma(b2, c22);
            c23 = a3.fma(b2, c23);
            FloatVector b3 = FloatVector.broadcast(F, w[w3 + k]);
            c30 = a0.fma(b3, c30);
            c31 = a1.fma(b3, c31);
            c32 = a2.fma(b3, c32);
            c33 = a3.fma(b3, c33);
            FloatVector b4 = FloatVector.broadcast(F, w[w4 + k]);
            c40 = a0.fma(b4, c40);
            c41 = a1.fma(b4, c41);
            c42 = a2.fma(b4, c42);
            c43 = a3.fma(b4, c43);
            FloatVector b5 = FloatVector.broadcast(F, w[w5 + k]);
            c50 = a0.fma(b5, c50);
            c51 = a1.fma(b5, c51);
            c52 = a2.fma(b5, c52);
            c53 = a3.fma(b5, c53);
        }
        c00.intoArray(ct, ctOff + 0 * ldct + 0 * VL);
        c01.intoArray(ct, ctOff + 0 * ldct + 1 * VL);
        c02.intoArray(ct, ctOff + 0 * ldct + 2 * VL);
        c03.intoArray(ct, ctOff + 0 * ldct + 3 * VL);
        c10.intoArray(ct, ctOff + 1 * ldct + 0 * VL);
        c11.intoArray(ct, ctOff + 1 * ldct + 1 * VL);
        c12.intoArray(ct, ctOff + 1 * ldct + 2 * VL);
        c13.intoArray(ct, ctOff + 1 * ldct + 3 * VL);
        c20.intoArray(ct, ctOff + 2 * ldct + 0 * VL);
        c21.intoArray(ct, ctOff + 2 * ldct + 1 * VL);
        c22.intoArray(ct, ctOff + 2 * ldct + 2 * VL);
        c23.intoArray(ct, ctOff + 2 * ldct + 3 * VL);
        c30.intoArray(ct, ctOff + 3 * ldct + 0 * VL);
        c31.intoArray(ct, ctOff + 3 * ldct + 1 * VL);
        c32.intoArray(ct, ctOff + 3 * ldct + 2 * VL);
        c33.intoArray(ct, ctOff + 3 * ldct + 3 * VL);
        c40.intoArray(ct, ctOff + 4 * ldct + 0 * VL);
        c41.intoArray(ct, ctOff + 4 * ldct + 1 * VL);
        c42.intoArray(ct, ctOff + 4 * ldct + 2 * VL);
        c43.intoArray(ct, ctOff + 4 * ldct + 3 * VL);
        c50.intoArray(ct, ctOff + 5 * ldct + 0 * VL);
        c51.intoArray(ct, ctOff + 5 * ldct + 1 * VL);
        c52.intoArray(ct, ctOff + 5 * ldct + 2 * VL);
        c53.intoArray(ct, ctOff + 5 * ldct + 3 * VL);
    }

    /** C^T tile of 6 weight rows × 3 vector(s) of m: ct[r][m] (+)= Σ_k w[r][k]·at[k][m], ascending k. */
    private static void kernel6x3(float[] w, int wOff, int kc, float[] at, int atOff, int mw, float[] ct, int ctOff, int ldct, boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 0 * VL);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 1 * VL);
        FloatVector c02 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 2 * VL);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 0 * VL);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 1 * VL);
        FloatVector c12 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 2 * VL);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 0 * VL);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 1 * VL);
        FloatVector c22 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 2 * VL);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 0 * VL);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 1 * VL);
        FloatVector c32 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 2 * VL);
        FloatVector c40 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 0 * VL);
        FloatVector c41 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 1 * VL);
        FloatVector c42 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 2 * VL);
        FloatVector c50 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 0 * VL);
        FloatVector c51 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 1 * VL);
        FloatVector c52 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 2 * VL);
        final int w0 = wOff + 0 * kc;
        final int w1 = wOff + 1 * kc;
        final int w2 = wOff + 2 * kc;
        final int w3 = wOff + 3 * kc;
        final int w4 = wOff + 4 * kc;
        final int w5 = wOff + 5 * kc;
        for (int k = 0; k < kc; k++) {
            int ao = atOff + k * mw;
            FloatVector a0 = FloatVector.fromArray(F, at, ao + 0 * VL);
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
        }
        c00.intoArray(ct, ctOff + 0 * ldct + 0 * VL);
        c01.intoArray(ct, ctOff + 0 * ldct + 1 * VL);
        c02.intoArray(ct, ctOff + 0 * ldct + 2 * VL);
        c10.intoArray(ct, ctOff + 1 * ldct + 0 * VL);
        c11.intoArray(ct, ctOff + 1 * ldct + 1 * VL);
        c12.intoArray(ct, ctOff + 1 * ldct + 2 * VL);
        c20.intoArray(ct, ctOff + 2 * ldct + 0 * VL);
        c21.intoArray(ct, ctOff + 2 * ldct + 1 * VL);
        c22.intoArray(ct, ctOff + 2 * ldct + 2 * VL);
        c30.intoArray(ct, ctOff + 3 * ldct + 0 * VL);
        c31.intoArray(ct, ctOff + 3 * ldct + 1 * VL);
        c32.intoArray(ct, ctOff + 3 * ldct + 2 * VL);
        c40.intoArray(ct, ctOff + 4 * ldct + 0 * VL);
        c41.intoArray(ct, ctOff + 4 * ldct + 1 * VL);
        c42.intoArray(ct, ctOff + 4 * ldct + 2 * VL);
        c50.intoArray(ct, ctOff + 5 * ldct + 0 * VL);
        c51.intoArray(ct, ctOff + 5 * ldct + 1 * VL);
        c52.intoArray(ct, ctOff + 5 * ldct + 2 * VL);
    }

    /** C^T tile of 6 weight rows × 2 vector(s) of m: ct[r][m] (+)= Σ_k w[r][k]·at[k][m], ascending k. */
    private static void kernel6x2(float[] w, int wOff, int kc, float[] at, int atOff, int mw, float[] ct, int ctOff, int ldct, boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 0 * VL);
        FloatVector c01 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 1 * VL);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 0 * VL);
        FloatVector c11 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 1 * VL);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 0 * VL);
        FloatVector c21 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 1 * VL);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 0 * VL);
        FloatVector c31 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 1 * VL);
        FloatVector c40 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 0 * VL);
        FloatVector c41 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 1 * VL);
        FloatVector c50 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 0 * VL);
        FloatVector c51 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 1 * VL);
        final int w0 = wOff + 0 * kc;
        final int w1 = wOff + 1 * kc;
        final int w2 = wOff + 2 * kc;
        final int w3 = wOff + 3 * kc;
        final int w4 = wOff + 4 * kc;
        final int w5 = wOff + 5 * kc;
        for (int k = 0; k < kc; k++) {
            int ao = atOff + k * mw;
            FloatVector a0 = FloatVector.fromArray(F, at, ao + 0 * VL);
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
        }
        c00.intoArray(ct, ctOff + 0 * ldct + 0 * VL);
        c01.intoArray(ct, ctOff + 0 * ldct + 1 * VL);
        c10.intoArray(ct, ctOff + 1 * ldct + 0 * VL);
        c11.intoArray(ct, ctOff + 1 * ldct + 1 * VL);
        c20.intoArray(ct, ctOff + 2 * ldct + 0 * VL);
        c21.intoArray(ct, ctOff + 2 * ldct + 1 * VL);
        c30.intoArray(ct, ctOff + 3 * ldct + 0 * VL);
        c31.intoArray(ct, ctOff + 3 * ldct + 1 * VL);
        c40.intoArray(ct, ctOff + 4 * ldct + 0 * VL);
        c41.intoArray(ct, ctOff + 4 * ldct + 1 * VL);
        c50.intoArray(ct, ctOff + 5 * ldct + 0 * VL);
        c51.intoArray(ct, ctOff + 5 * ldct + 1 * VL);
    }

    /** C^T tile of 6 weight rows × 1 vector(s) of m: ct[r][m] (+)= Σ_k w[r][k]·at[k][m], ascending k. */
    private static void kernel6x1(float[] w, int wOff, int kc, float[] at, int atOff, int mw, float[] ct, int ctOff, int ldct, boolean first) {
        FloatVector c00 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 0 * ldct + 0 * VL);
        FloatVector c10 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 1 * ldct + 0 * VL);
        FloatVector c20 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 2 * ldct + 0 * VL);
        FloatVector c30 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 3 * ldct + 0 * VL);
        FloatVector c40 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 4 * ldct + 0 * VL);
        FloatVector c50 = first ? FloatVector.zero(F) : FloatVector.fromArray(F, ct, ctOff + 5 * ldct + 0 * VL);
        final int w0 = wOff + 0 * kc;
        final int w1 = wOff + 1 * kc;
        final int w2 = wOff + 2 * kc;
        final int w3 = wOff + 3 * kc;
        final int w4 = wOff + 4 * kc;
        final int w5 = wOff + 5 * kc;
        for (int k = 0; k < kc; k++) {
            int ao = atOff + k * mw;
            FloatVector a0 = FloatVector.fromArray(F, at, ao + 0 * VL);
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
        }
        c00.intoArray(ct, ctOff + 0 * ldct + 0 * VL);
        c10.intoArray(ct, ctOff + 1 * ldct + 0 * VL);
        c20.intoArray(ct, ctOff + 2 * ldct + 0 * VL);
        c30.intoArray(ct, ctOff + 3 * ldct + 0 * VL);
        c40.intoArray(ct, ctOff + 4 * ldct + 0 * VL);
        c50.intoArray(ct, ctOff + 5 * ldct + 0 * VL);
    }
}
