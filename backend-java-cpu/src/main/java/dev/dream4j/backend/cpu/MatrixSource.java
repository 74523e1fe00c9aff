package dev.dream4j.backend.cpu;

import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.TensorView;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * A row-major {@code rows × cols} matrix that the GEMM reads one row slice at a time, converted to fp32. Weights stay
 * in their memory-mapped segment: a slice is converted into a small caller-owned buffer (a cache-sized panel), never
 * the whole tensor.
 */
abstract class MatrixSource {
    final int rows;
    final int cols;

    MatrixSource(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
    }

    /** Writes {@code len} elements of row {@code row}, starting at column {@code k0}, as fp32 into {@code dst[off..]}. */
    abstract void readRow(int row, int k0, int len, float[] dst, int off);

    static MatrixSource of(TensorView t) {
        long[] shape = t.shape();
        return switch (t.dtype()) {
            case BF16 -> new Bf16((int) shape[0], (int) shape[1], t.data());
            case F16 -> new F16((int) shape[0], (int) shape[1], t.data());
            case F32 -> new F32((int) shape[0], (int) shape[1], t.data());
        };
    }

    /** Rows of several matrices with the same column count, one after the other (fused projections). */
    static MatrixSource stack(MatrixSource... parts) {
        return new Stacked(parts);
    }

    /** A heap fp32 matrix with leading dimension {@code ld}. */
    static MatrixSource ofArray(float[] data, int offset, int rows, int cols, int ld) {
        return new ArrayMatrix(data, offset, rows, cols, ld);
    }

    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static final class Bf16 extends MatrixSource {
        private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
        private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
        private static final VectorSpecies<Short> S = halfShort();
        private final MemorySegment seg;

        Bf16(int rows, int cols, MemorySegment seg) {
            super(rows, cols);
            this.seg = seg;
        }

        private static VectorSpecies<Short> halfShort() {
            try {
                VectorSpecies<Short> s = VectorSpecies.of(short.class, VectorShape.forBitSize(F.vectorBitSize() / 2));
                return s.length() == F.length() ? s : null;
            } catch (RuntimeException e) {
                return null;
            }
        }

        @Override
        void readRow(int row, int k0, int len, float[] dst, int off) {
            long base = ((long) row * cols + k0) * 2L;
            int i = 0;
            if (S != null) {
                int vl = F.length();
                for (; i + vl <= len; i += vl) {
                    ShortVector s = ShortVector.fromMemorySegment(S, seg, base + 2L * i, ByteOrder.LITTLE_ENDIAN);
                    IntVector v = (IntVector) s.convertShape(VectorOperators.S2I, I, 0);
                    v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, off + i);
                }
            }
            for (; i < len; i++) {
                dst[off + i] = Float.intBitsToFloat((seg.get(SHORT_LE, base + 2L * i) & 0xffff) << 16);
            }
        }
    }

    static final class F16 extends MatrixSource {
        private final MemorySegment seg;

        F16(int rows, int cols, MemorySegment seg) {
            super(rows, cols);
            this.seg = seg;
        }

        @Override
        void readRow(int row, int k0, int len, float[] dst, int off) {
            long base = ((long) row * cols + k0) * 2L;
            for (int i = 0; i < len; i++) {
                dst[off + i] = Float.float16ToFloat(seg.get(SHORT_LE, base + 2L * i));
            }
        }
    }

    static final class F32 extends MatrixSource {
        private final MemorySegment seg;

        F32(int rows, int cols, MemorySegment seg) {
            super(rows, cols);
            this.seg = seg;
        }

        @Override
        void readRow(int row, int k0, int len, float[] dst, int off) {
            MemorySegment.copy(seg, FLOAT_LE, ((long) row * cols + k0) * 4L, dst, off, len);
        }
    }

    static final class ArrayMatrix extends MatrixSource {
        private final float[] data;
        private final int offset;
        private final int ld;

        ArrayMatrix(float[] data, int offset, int rows, int cols, int ld) {
            super(rows, cols);
            this.data = data;
            this.offset = offset;
            this.ld = ld;
        }

        @Override
        void readRow(int row, int k0, int len, float[] dst, int off) {
            System.arraycopy(data, offset + row * ld + k0, dst, off, len);
        }
    }

    static final class Stacked extends MatrixSource {
        private final MatrixSource[] parts;
        private final int[] starts;

        Stacked(MatrixSource[] parts) {
            super(total(parts), parts[0].cols);
            this.parts = parts.clone();
            this.starts = new int[parts.length];
            int s = 0;
            for (int i = 0; i < parts.length; i++) {
                if (parts[i].cols != cols) {
                    throw new IllegalArgumentException("stacked matrices need equal column counts");
                }
                starts[i] = s;
                s += parts[i].rows;
            }
        }

        private static int total(MatrixSource[] parts) {
            int n = 0;
            for (MatrixSource p : parts) {
                n += p.rows;
            }
            return n;
        }

        @Override
        void readRow(int row, int k0, int len, float[] dst, int off) {
            int p = parts.length - 1;
            while (starts[p] > row) {
                p--;
            }
            parts[p].readRow(row - starts[p], k0, len, dst, off);
        }
    }

    static boolean supported(DType t) {
        return t == DType.BF16 || t == DType.F16 || t == DType.F32;
    }
}
