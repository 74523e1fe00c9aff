package dev.dream4j.backend.onnx;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.backend.onnx.graph.DreamGraph;
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

/** Reads checkpoint tensors as little-endian fp32, checking shape and dtype against what the graph declares. */
final class Fp32Weights {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Fp32Weights() {
    }

    /** The tensor, checked against {@code expected}. */
    static TensorView checked(Checkpoint checkpoint, DreamGraph.Weight expected) {
        TensorView t = checkpoint.tensor(expected.name());
        if (!Arrays.equals(t.shape(), expected.shape())) {
            throw new CheckpointException(t.file(), expected.name(), "shape " + Arrays.toString(t.shape())
                    + " does not match the configuration, which implies " + Arrays.toString(expected.shape()));
        }
        return t;
    }

    /** A fresh direct buffer holding the tensor as fp32. */
    static ByteBuffer directFp32(Checkpoint checkpoint, DreamGraph.Weight expected) {
        long bytes = expected.fp32Bytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new WeightTooLargeException(expected.name(), bytes);
        }
        TensorView t = checked(checkpoint, expected);
        ByteBuffer out = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        convert(t, MemorySegment.ofBuffer(out), 0, t.elementCount());
        return out;
    }

    /** Writes the tensor as fp32 at {@code position} of {@code channel}, in chunks (any size). */
    static void write(Checkpoint checkpoint, DreamGraph.Weight expected, FileChannel channel, long position) throws IOException {
        TensorView t = checked(checkpoint, expected);
        long n = t.elementCount();
        long chunk = Math.max(1, Math.min(n, 1L << 22));
        ByteBuffer buf = ByteBuffer.allocateDirect((int) (chunk * 4)).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment seg = MemorySegment.ofBuffer(buf);
        for (long start = 0; start < n; start += chunk) {
            long count = Math.min(chunk, n - start);
            convert(t, seg, start, count);
            buf.clear().limit((int) (count * 4));
            long pos = position + start * 4;
            while (buf.hasRemaining()) {
                pos += channel.write(buf, pos);
            }
        }
    }

    /** Converts elements {@code [start, start + count)} of {@code t} into {@code dst} from offset 0. */
    private static void convert(TensorView t, MemorySegment dst, long start, long count) {
        MemorySegment src = t.data();
        DType type = t.dtype();
        switch (type) {
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
