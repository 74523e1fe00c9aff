package dev.dream4j.backend.onnx;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.backend.onnx.graph.DecoderGraph;
import dev.dream4j.backend.onnx.graph.Int4Quantizer;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.TensorView;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Produces the bytes of the graph's initializers from checkpoint tensors: fp32 conversion, or int4 quantisation
 * (the codes and scales of one weight are computed together and the second is served from a one-entry cache).
 * Checks each tensor's shape against the configuration. Not thread-safe.
 */
final class WeightData {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Checkpoint checkpoint;
    private String cachedSource;
    private ByteBuffer cachedCodes;
    private ByteBuffer cachedScales;

    WeightData(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    /** The source tensor, checked against what the graph expects. */
    TensorView checked(DecoderGraph.Weight expected) {
        TensorView t = checkpoint.tensor(expected.source());
        if (!Arrays.equals(t.shape(), expected.sourceShape())) {
            throw new CheckpointException(t.file(), expected.source(), "shape " + Arrays.toString(t.shape())
                    + " does not match the configuration, which implies " + Arrays.toString(expected.sourceShape()));
        }
        return t;
    }

    /**
     * A fresh little-endian direct buffer with the initializer's bytes.
     *
     * @throws WeightTooLargeException when it exceeds one direct buffer
     */
    ByteBuffer direct(DecoderGraph.Weight w) {
        long bytes = w.bytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new WeightTooLargeException(w.name(), bytes);
        }
        return switch (w.kind()) {
            case FP32 -> {
                TensorView t = checked(w);
                ByteBuffer out = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
                convert(t, MemorySegment.ofBuffer(out), 0, t.elementCount());
                yield out;
            }
            case BF16, F16 -> {
                TensorView t = checked(w);
                DType want = w.kind() == DecoderGraph.Kind.BF16 ? DType.BF16 : DType.F16;
                if (t.dtype() != want) {
                    throw new IllegalStateException(w.name() + " is " + t.dtype() + ", the graph expects " + want);
                }
                ByteBuffer out = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
                MemorySegment.copy(t.data(), 0, MemorySegment.ofBuffer(out), 0, bytes);
                yield out;
            }
            case INT4 -> quantized(w)[0];
            case INT4_SCALES -> quantized(w)[1];
        };
    }

    private ByteBuffer[] quantized(DecoderGraph.Weight w) {
        if (!w.source().equals(cachedSource)) {
            TensorView t = checked(w);
            long n = w.sourceShape()[0];
            long k = w.sourceShape()[1];
            int blocks = Int4Quantizer.blocks(k, w.blockSize());
            long codeBytes = n * blocks * (w.blockSize() / 2L);
            if (codeBytes > Integer.MAX_VALUE) {
                throw new WeightTooLargeException(DecoderGraph.int4Name(w.source()), codeBytes);
            }
            ByteBuffer codes = ByteBuffer.allocateDirect((int) codeBytes).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer scales = ByteBuffer.allocateDirect((int) (n * blocks * 4)).order(ByteOrder.LITTLE_ENDIAN);
            MemorySegment src = t.data();
            DType type = t.dtype();
            Int4Quantizer.quantize(i -> type.read(src, i), n, k, w.blockSize(), MemorySegment.ofBuffer(codes), MemorySegment.ofBuffer(scales));
            cachedSource = w.source();
            cachedCodes = codes;
            cachedScales = scales;
        }
        return new ByteBuffer[]{cachedCodes, cachedScales};
    }

    /** Writes the initializer's bytes at {@code position} of {@code channel} (fp32 in chunks, any size). */
    void write(DecoderGraph.Weight w, FileChannel channel, long position) throws IOException {
        if (w.kind() == DecoderGraph.Kind.BF16 || w.kind() == DecoderGraph.Kind.F16) {
            TensorView t = checked(w);
            writeFully(channel, t.data().asByteBuffer(), position);
            return;
        }
        if (w.kind() != DecoderGraph.Kind.FP32) {
            ByteBuffer b = direct(w).duplicate().clear();
            writeFully(channel, b, position);
            return;
        }
        TensorView t = checked(w);
        long n = t.elementCount();
        long chunk = Math.max(1, Math.min(n, 1L << 22));
        ByteBuffer buf = ByteBuffer.allocateDirect((int) (chunk * 4)).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        for (long start = 0; start < n; start += chunk) {
            long count = Math.min(chunk, n - start);
            convert(t, seg, start, count);
            buf.clear().limit((int) (count * 4));
            writeFully(channel, buf, position + start * 4);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            pos += channel.write(buf, pos);
        }
    }

    /** Converts elements {@code [start, start + count)} of {@code t} to fp32 into {@code dst} from offset 0. */
    private static void convert(TensorView t, MemorySegment dst, long start, long count) {
        MemorySegment src = t.data();
        switch (t.dtype()) {
            case F32 -> MemorySegment.copy(src, start * 4, dst, 0, count * 4);
            case BF16 -> {
                for (long i = 0; i < count; i++) {
                    dst.setAtIndex(FLOAT_LE, i, DType.bf16ToFloat(src.getAtIndex(SHORT_LE, start + i)));
                }
            }
            case F16 -> {
                for (long i = 0; i < count; i++) {
                    dst.setAtIndex(FLOAT_LE, i, Float.float16ToFloat(src.getAtIndex(SHORT_LE, start + i)));
                }
            }
        }
    }
}
