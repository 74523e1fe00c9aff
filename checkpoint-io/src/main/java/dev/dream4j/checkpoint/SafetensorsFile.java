package dev.dream4j.checkpoint;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.TensorView;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One memory-mapped {@code .safetensors} file: an 8-byte little-endian header length, a JSON header, then the data.
 * Every structural property is checked before a tensor is handed out, so a malformed file gives a
 * {@link CheckpointException} naming the file and tensor rather than an out-of-bounds access.
 */
final class SafetensorsFile {
    /**
     * Headers beyond this are refused before they are parsed (real ones are well under 1 MiB; a 67 MiB header took
     * seconds and most of a 512 MB heap to parse). Raise with {@code -Ddream4j.safetensors.maxHeaderBytes}.
     */
    static final long DEFAULT_MAX_HEADER_BYTES = 16L << 20;

    private final Path file;
    private final Map<String, TensorView> tensors;
    private final Map<String, String> metadata;

    private SafetensorsFile(Path file, Map<String, TensorView> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    /** Maps {@code file} into {@code arena} and validates its header. */
    static SafetensorsFile open(Path file, Arena arena, JsonFiles json) {
        MemorySegment whole;
        if (java.nio.file.Files.exists(file) && !java.nio.file.Files.isRegularFile(file)) {
            throw new CheckpointException(file, null, "not a regular file"); // a FIFO would block, a device never end
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new CheckpointException(file, null, "truncated: " + size + " bytes, a safetensors file starts with an 8-byte header length");
            }
            whole = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, null, "file not found");
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot map: " + e.getMessage(), e);
        }
        long size = whole.byteSize();
        long headerLength = whole.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength < 2 || headerLength > size - 8) {
            throw new CheckpointException(file, null, "header length " + Long.toUnsignedString(headerLength)
                    + " does not fit in the file (" + size + " bytes): the file is truncated or not safetensors");
        }
        long maxHeader = Long.getLong("dream4j.safetensors.maxHeaderBytes", DEFAULT_MAX_HEADER_BYTES);
        if (headerLength > maxHeader) {
            throw new CheckpointException(file, null, "header length " + headerLength + " exceeds the limit of " + maxHeader
                    + " bytes (raise with -Ddream4j.safetensors.maxHeaderBytes)");
        }
        byte[] header = whole.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
        Map<String, Object> parsed = json.parse(file, "header", header);
        long dataStart = 8 + headerLength;
        long dataSize = size - dataStart;
        MemorySegment data = whole.asSlice(dataStart, dataSize);

        Map<String, TensorView> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        record Range(String name, long begin, long end) {
        }
        List<Range> ranges = new ArrayList<>();
        for (var e : parsed.entrySet()) {
            String name = e.getKey();
            if (name.equals("__metadata__")) {
                if (e.getValue() instanceof Map<?, ?> m) {
                    m.forEach((k, v) -> metadata.put(String.valueOf(k), String.valueOf(v)));
                }
                continue;
            }
            if (!(e.getValue() instanceof Map<?, ?> info)) {
                throw new CheckpointException(file, name, "header entry is not an object");
            }
            String dtypeName = info.get("dtype") instanceof String s ? s : null;
            if (dtypeName == null) {
                throw new CheckpointException(file, name, "header entry has no dtype");
            }
            DType dtype = DType.fromSafetensors(dtypeName).orElseThrow(() -> new CheckpointException(file, name,
                    "unsupported dtype " + dtypeName + " (supported: BF16, F16, F32, I8, U8)"));
            long[] shape = longs(file, name, "shape", info.get("shape"));
            long[] offsets = longs(file, name, "data_offsets", info.get("data_offsets"));
            if (offsets.length != 2) {
                throw new CheckpointException(file, name, "data_offsets must have 2 entries, found " + offsets.length);
            }
            long begin = offsets[0];
            long end = offsets[1];
            if (begin > end || end > dataSize) {
                throw new CheckpointException(file, name, "data_offsets [" + begin + ", " + end
                        + "] are out of bounds of the data section (" + dataSize + " bytes)");
            }
            long expected = byteSize(file, name, shape, dtype);
            if (end - begin != expected) {
                throw new CheckpointException(file, name, "shape " + java.util.Arrays.toString(shape) + " of " + dtype
                        + " needs " + expected + " bytes but data_offsets span " + (end - begin));
            }
            ranges.add(new Range(name, begin, end));
            tensors.put(name, new MappedTensor(name, dtype, shape, file, data.asSlice(begin, end - begin)));
        }
        ranges.sort(Comparator.comparingLong(Range::begin).thenComparingLong(Range::end));
        for (int i = 1; i < ranges.size(); i++) {
            Range prev = ranges.get(i - 1);
            Range cur = ranges.get(i);
            if (cur.begin() < prev.end()) {
                throw new CheckpointException(file, cur.name(), "data_offsets [" + cur.begin() + ", " + cur.end()
                        + "] overlap tensor " + prev.name() + " [" + prev.begin() + ", " + prev.end() + "]");
            }
        }
        return new SafetensorsFile(file, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    /** The bytes a tensor of {@code shape} needs, or an error when the product overflows a long. */
    private static long byteSize(Path file, String name, long[] shape, DType dtype) {
        long bytes = dtype.byteSize();
        for (long d : shape) {
            if (d != 0 && bytes > Long.MAX_VALUE / d) {
                throw new CheckpointException(file, name, "shape " + java.util.Arrays.toString(shape) + " of " + dtype
                        + " has more bytes than a file can hold (the product overflows)");
            }
            bytes *= d;
        }
        return bytes;
    }

    private static long[] longs(Path file, String tensor, String field, Object value) {
        if (!(value instanceof List<?> list)) {
            throw new CheckpointException(file, tensor, field + " is missing or not a list");
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            // Integer or Long only: a BigInteger or a float would be truncated silently by longValue()
            Object v = list.get(i);
            if (!(v instanceof Integer || v instanceof Long) || ((Number) v).longValue() < 0) {
                throw new CheckpointException(file, tensor, field + "[" + i + "] is not a non-negative 64-bit integer: " + v);
            }
            out[i] = ((Number) v).longValue();
        }
        return out;
    }

    Path file() {
        return file;
    }

    Map<String, TensorView> tensors() {
        return tensors;
    }

    Map<String, String> metadata() {
        return metadata;
    }

    /** A tensor slice of the mapped file. */
    private record MappedTensor(String name, DType dtype, long[] shapeRef, Path file, MemorySegment data)
            implements TensorView {
        @Override
        public long[] shape() {
            return shapeRef.clone();
        }

        @Override
        public long dim(int axis) {
            return shapeRef[axis];
        }

        @Override
        public int rank() {
            return shapeRef.length;
        }

        @Override
        public String toString() {
            return name + " " + dtype + java.util.Arrays.toString(shapeRef) + " in " + file.getFileName();
        }
    }
}
