package dev.dream4j.spi.model;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;

/**
 * A tensor of a checkpoint, read in place from the memory-mapped file: {@link #data()} is a read-only,
 * little-endian, row-major segment valid until the checkpoint is closed. Larger than 2 GB is fine.
 */
public interface TensorView {

    String name();

    DType dtype();

    /** A copy of the shape. */
    long[] shape();

    /** The file the bytes live in. */
    Path file();

    /** The raw bytes (length = element count × dtype size). */
    MemorySegment data();

    default int rank() {
        return shape().length;
    }

    default long dim(int axis) {
        return shape()[axis];
    }

    default long elementCount() {
        long n = 1;
        for (long d : shape()) {
            n *= d;
        }
        return n;
    }

    /** Element {@code index} (row-major) as fp32. */
    default float getFloat(long index) {
        return dtype().read(data(), index);
    }
}
