package dev.dream4j.checkpoint;

import dev.dream4j.spi.model.DType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@code .safetensors} file tensor by tensor, streaming values from a generator so a multi-gigabyte file
 * never sits in memory. Declare every tensor first, then {@link #write}.
 */
public final class SafetensorsWriter {

    /** Produces element {@code i} of a tensor, in row-major order; called once per element, in order. */
    @FunctionalInterface
    public interface Values {
        float next(long index);
    }

    private record Entry(String name, DType dtype, long[] shape, Values values) {
        long bytes() {
            long n = dtype.byteSize();
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>(Map.of("format", "pt"));

    public SafetensorsWriter add(String name, DType dtype, long[] shape, Values values) {
        entries.add(new Entry(name, dtype, shape.clone(), values));
        return this;
    }

    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }

    /** Total bytes of tensor data. */
    public long dataBytes() {
        return entries.stream().mapToLong(Entry::bytes).sum();
    }

    public void write(Path file) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("__metadata__", metadata);
        long offset = 0;
        for (Entry e : entries) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", e.dtype().safetensorsName());
            info.put("shape", java.util.Arrays.stream(e.shape()).boxed().toList());
            info.put("data_offsets", List.of(offset, offset + e.bytes()));
            header.put(e.name(), info);
            offset += e.bytes();
        }
        byte[] json = new JsonFiles().bytes(header);
        // Pad the header with spaces so the data section starts 8-byte aligned, as the reference writer does.
        int padded = (json.length + 8 + 7) / 8 * 8 - 8;
        byte[] headerBytes = new byte[padded];
        java.util.Arrays.fill(headerBytes, (byte) ' ');
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).flip();
            ch.write(len);
            ch.write(ByteBuffer.wrap(headerBytes));
            ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : entries) {
                long n = e.bytes() / e.dtype().byteSize();
                for (long i = 0; i < n; i++) {
                    if (buf.remaining() < 4) {
                        buf.flip();
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                        buf.clear();
                    }
                    float v = e.values().next(i);
                    switch (e.dtype()) {
                        case BF16 -> buf.putShort(DType.floatToBf16(v));
                        case F16 -> buf.putShort(Float.floatToFloat16(v));
                        case F32 -> buf.putFloat(v);
                        case I8, U8 -> buf.put((byte) (int) v);
                    }
                }
            }
            buf.flip();
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
        }
    }

}
