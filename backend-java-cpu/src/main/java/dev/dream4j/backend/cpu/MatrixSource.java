package dev.dream4j.backend.cpu;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.TensorView;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.stream.IntStream;

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

    /** A float tensor read in place. */
    static MatrixSource of(TensorView t) {
        long[] shape = t.shape();
        return switch (t.dtype()) {
            case BF16 -> new Bf16((int) shape[0], (int) shape[1], t.data());
            case F16 -> new F16((int) shape[0], (int) shape[1], t.data());
            case F32 -> new F32((int) shape[0], (int) shape[1], t.data());
            case I8, U8 -> throw new CheckpointException(t.file(), t.name(), "a quantized tensor needs MatrixSource.load");
        };
    }

    /**
     * The {@code rows × cols} weight matrix called {@code name}, in whichever form the checkpoint holds it: a float
     * tensor (read in place, or quantized now when {@code want} asks for it), or a block-quantized tensor written by
     * the {@code java-cpu-quantized} exporter ({@code I8}/{@code U8} values under the ordinary name plus
     * {@code name + "_scale"} fp16 scales; {@code QUANTIZATION.md}), used as stored whatever {@code want} says.
     *
     * @throws CheckpointException naming the tensor when it is missing or its shape or dtype does not fit
     */
    static MatrixSource load(Checkpoint cp, String name, int rows, int cols, WeightFormat want) {
        if (!cp.hasTensor(name)) {
            throw new CheckpointException(cp.directory(), name, "tensor is missing");
        }
        TensorView t = cp.tensor(name);
        WeightFormat stored = WeightFormat.ofStorage(t.dtype());
        if (stored == null) {
            expectShape(t, rows, cols);
            MatrixSource plain = of(t);
            return want == WeightFormat.AS_STORED ? plain : quantize(plain, want);
        }
        expectShape(t, rows, stored.rowBytes(cols));
        String scaleName = name + WeightFormat.SCALE_SUFFIX;
        if (!cp.hasTensor(scaleName)) {
            throw new CheckpointException(t.file(), scaleName, "the scales of quantized tensor " + name + " are missing");
        }
        TensorView scales = cp.tensor(scaleName);
        if (scales.dtype() != DType.F16) {
            throw new CheckpointException(scales.file(), scaleName, "quantization scales must be F16, got " + scales.dtype());
        }
        expectShape(scales, rows, WeightFormat.blocks(cols));
        return quantized(stored, rows, cols, t.data(), scales.data());
    }

    private static void expectShape(TensorView t, long rows, long cols) {
        long[] want = {rows, cols};
        if (!Arrays.equals(t.shape(), want)) {
            throw new CheckpointException(t.file(), t.name(), "expected shape " + Arrays.toString(want) + " for "
                    + t.dtype() + ", got " + Arrays.toString(t.shape()));
        }
    }

    /** A quantized matrix over {@code values} ({@code rows × rowBytes}) and fp16 {@code scales} ({@code rows × blocks}). */
    static MatrixSource quantized(WeightFormat f, int rows, int cols, MemorySegment values, MemorySegment scales) {
        return switch (f) {
            case Q8_0 -> new Q8(rows, cols, values, scales);
            case Q4_0 -> new Q4(rows, cols, values, scales);
            case AS_STORED -> throw new IllegalArgumentException("not a quantized format: " + f);
        };
    }

    /**
     * Quantizes {@code src} into off-heap memory (freed with the matrix): rows in parallel, each row with the
     * deterministic {@link Quantizer}, so the result does not depend on the thread count.
     */
    static MatrixSource quantize(MatrixSource src, WeightFormat f) {
        int rows = src.rows;
        int cols = src.cols;
        long rowBytes = f.rowBytes(cols);
        int blocks = (int) WeightFormat.blocks(cols);
        Arena arena = Arena.ofAuto();
        MemorySegment values = arena.allocate(rowBytes * rows, 64);
        MemorySegment scales = arena.allocate(2L * blocks * rows, 64);
        IntStream.range(0, (rows + 63) / 64).parallel().forEach(chunk -> {
            float[] x = new float[cols];
            byte[] q = new byte[(int) rowBytes];
            short[] d = new short[blocks];
            for (int r = chunk * 64; r < Math.min(rows, chunk * 64 + 64); r++) {
                src.readRow(r, 0, cols, x, 0);
                Quantizer.quantizeRow(f, x, cols, q, 0, d, 0);
                MemorySegment.copy(q, 0, values, ValueLayout.JAVA_BYTE, r * rowBytes, q.length);
                MemorySegment.copy(d, 0, scales, SHORT_LE, 2L * r * blocks, blocks);
            }
        });
        return quantized(f, rows, cols, values, scales);
    }

    /** Bytes of weight data one pass over the matrix reads (for bandwidth figures). */
    long weightBytes() {
        return 4L * rows * cols;
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

        @Override
        long weightBytes() {
            return 2L * rows * cols;
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
        long weightBytes() {
            return 2L * rows * cols;
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

        @Override
        long weightBytes() {
            long b = 0;
            for (MatrixSource p : parts) {
                b += p.weightBytes();
            }
            return b;
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
        return t.isFloat();
    }

    /** Bytes per dequantized vector's worth of int8 lanes: a byte species with {@code F.length()} lanes, if any. */
    private static VectorSpecies<Byte> byteSpecies() {
        try {
            VectorSpecies<Byte> s = VectorSpecies.of(byte.class, VectorShape.forBitSize(FloatVector.SPECIES_PREFERRED.vectorBitSize() / 4));
            return s.length() == FloatVector.SPECIES_PREFERRED.length() && WeightFormat.BLOCK / 2 % s.length() == 0 ? s : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Block-quantized rows: {@code values} holds {@code rowBytes} per row, {@code scales} one fp16 per block of
     * {@link WeightFormat#BLOCK} columns. A weight is {@code (float) value · (float) scale}, one rounding, the same in
     * the vector and the scalar code, so the GEMM stays bit-reproducible.
     */
    abstract static sealed class Quantized extends MatrixSource permits Q8, Q4 {
        static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
        static final VectorSpecies<Byte> B = byteSpecies();
        final MemorySegment values;
        final MemorySegment scales;
        final long rowBytes;
        final int blocks;
        final WeightFormat format;

        Quantized(WeightFormat format, int rows, int cols, MemorySegment values, MemorySegment scales) {
            super(rows, cols);
            this.format = format;
            this.values = values;
            this.scales = scales;
            this.rowBytes = format.rowBytes(cols);
            this.blocks = (int) WeightFormat.blocks(cols);
            if (values.byteSize() < rowBytes * rows || scales.byteSize() < 2L * blocks * rows) {
                throw new IllegalArgumentException("quantized data too small for " + rows + " × " + cols);
            }
        }

        @Override
        long weightBytes() {
            return rowBytes * rows + 2L * blocks * rows;
        }

        @Override
        final void readRow(int row, int k0, int len, float[] dst, int off) {
            int end = k0 + len;
            long vBase = row * rowBytes;
            long sBase = 2L * row * blocks;
            for (int b = k0 / WeightFormat.BLOCK; b * WeightFormat.BLOCK < end; b++) {
                int b0 = b * WeightFormat.BLOCK;
                float d = Float.float16ToFloat(scales.get(SHORT_LE, sBase + 2L * b));
                if (B != null && b0 >= k0 && b0 + WeightFormat.BLOCK <= end) {
                    block(vBase, b, d, dst, off + b0 - k0);
                } else {
                    for (int k = Math.max(b0, k0); k < Math.min(end, b0 + WeightFormat.BLOCK); k++) {
                        dst[off + k - k0] = (float) value(vBase, b, k - b0) * d;
                    }
                }
            }
        }

        /** Dequantizes the whole block {@code b} (vector code) into {@code dst[o..o+32)}. */
        abstract void block(long vBase, int b, float d, float[] dst, int o);

        /** The integer value of element {@code i} of block {@code b}. */
        abstract int value(long vBase, int b, int i);
    }

    static final class Q8 extends Quantized {
        Q8(int rows, int cols, MemorySegment values, MemorySegment scales) {
            super(WeightFormat.Q8_0, rows, cols, values, scales);
        }

        @Override
        void block(long vBase, int b, float d, float[] dst, int o) {
            long p = vBase + (long) b * WeightFormat.BLOCK;
            FloatVector scale = FloatVector.broadcast(F, d);
            for (int j = 0; j < WeightFormat.BLOCK; j += F.length()) {
                ByteVector v = ByteVector.fromMemorySegment(B, values, p + j, ByteOrder.LITTLE_ENDIAN);
                ((FloatVector) v.convertShape(VectorOperators.B2F, F, 0)).mul(scale).intoArray(dst, o + j);
            }
        }

        @Override
        int value(long vBase, int b, int i) {
            return values.get(ValueLayout.JAVA_BYTE, vBase + (long) b * WeightFormat.BLOCK + i);
        }
    }

    static final class Q4 extends Quantized {
        private static final int HALF = WeightFormat.BLOCK / 2;

        Q4(int rows, int cols, MemorySegment values, MemorySegment scales) {
            super(WeightFormat.Q4_0, rows, cols, values, scales);
        }

        @Override
        void block(long vBase, int b, float d, float[] dst, int o) {
            long p = vBase + (long) b * HALF;
            FloatVector scale = FloatVector.broadcast(F, d);
            for (int j = 0; j < HALF; j += F.length()) {
                ByteVector v = ByteVector.fromMemorySegment(B, values, p + j, ByteOrder.LITTLE_ENDIAN);
                ByteVector lo = v.and((byte) 0x0f).sub((byte) 8);
                ByteVector hi = v.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0f).sub((byte) 8);
                ((FloatVector) lo.convertShape(VectorOperators.B2F, F, 0)).mul(scale).intoArray(dst, o + j);
                ((FloatVector) hi.convertShape(VectorOperators.B2F, F, 0)).mul(scale).intoArray(dst, o + HALF + j);
            }
        }

        @Override
        int value(long vBase, int b, int i) {
            int byt = values.get(ValueLayout.JAVA_BYTE, vBase + (long) b * HALF + (i % HALF)) & 0xff;
            return (i < HALF ? byt & 0x0f : byt >>> 4) - 8;
        }
    }
}
