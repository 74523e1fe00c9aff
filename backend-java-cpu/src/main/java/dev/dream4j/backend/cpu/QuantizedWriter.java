package dev.dream4j.backend.cpu;

import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.TensorView;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Writes one {@code .safetensors} file of copied tensors and quantized matrices, streaming (a matrix is quantized a
 * chunk of rows at a time, so a multi-gigabyte checkpoint never sits in memory; only a matrix's scales are held).
 */
final class QuantizedWriter {
    private static final int CHUNK_ROWS = 512;

    private sealed interface Entry permits Copy, Quant {
    }

    private record Copy(TensorView t) implements Entry {
    }

    private record Quant(String name, MatrixSource src, WeightFormat f) implements Entry {
    }

    private final List<Entry> entries = new ArrayList<>();

    void addCopy(TensorView t) {
        entries.add(new Copy(t));
    }

    void addQuantized(String name, MatrixSource src, WeightFormat f) {
        entries.add(new Quant(name, src, f));
    }

    /**
     * Writes the file; returns each quantized matrix's relative error {@code ‖W − deq(Q)‖ / ‖W‖} (Frobenius), by
     * name, in the order written.
     */
    java.util.Map<String, Double> write(Path file) throws IOException {
        java.util.Map<String, Double> errors = new java.util.LinkedHashMap<>();
        StringBuilder json = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\",\"dream4j.quantized\":\"java-cpu\"}");
        long offset = 0;
        for (Entry e : entries) {
            switch (e) {
                case Copy c -> offset = header(json, c.t().name(), c.t().dtype(), c.t().shape(), offset);
                case Quant q -> {
                    offset = header(json, q.name(), q.f().storage(), new long[]{q.src().rows, q.f().rowBytes(q.src().cols)}, offset);
                    offset = header(json, q.name() + WeightFormat.SCALE_SUFFIX, DType.F16,
                            new long[]{q.src().rows, WeightFormat.blocks(q.src().cols)}, offset);
                }
            }
        }
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (bytes.length + 8 + 7) / 8 * 8 - 8; // data section 8-byte aligned, as the reference writer does
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(bytes);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(ch, head.flip());
            for (Entry e : entries) {
                switch (e) {
                    case Copy c -> {
                        MemorySegment d = c.t().data();
                        for (long o = 0; o < d.byteSize(); o += 1L << 30) {
                            writeFully(ch, d.asSlice(o, Math.min(1L << 30, d.byteSize() - o)).asByteBuffer());
                        }
                    }
                    case Quant q -> errors.put(q.name(), writeQuantized(ch, q));
                }
            }
        }
        return errors;
    }

    private static double writeQuantized(FileChannel ch, Quant q) throws IOException {
        int rows = q.src().rows;
        int cols = q.src().cols;
        int rowBytes = (int) q.f().rowBytes(cols);
        int blocks = (int) WeightFormat.blocks(cols);
        short[] scales = new short[rows * blocks];
        byte[] chunk = new byte[CHUNK_ROWS * rowBytes];
        double[] err = new double[rows];
        double[] norm = new double[rows];
        for (int r0 = 0; r0 < rows; r0 += CHUNK_ROWS) {
            int start = r0;
            int n = Math.min(CHUNK_ROWS, rows - r0);
            IntStream.range(0, n).parallel().forEach(i -> {
                float[] x = new float[cols];
                q.src().readRow(start + i, 0, cols, x, 0);
                Quantizer.quantizeRow(q.f(), x, cols, chunk, i * rowBytes, scales, (start + i) * blocks);
                float[] y = new float[cols];
                Quantizer.dequantizeRow(q.f(), chunk, i * rowBytes, scales, (start + i) * blocks, cols, y);
                double e = 0;
                double n2 = 0;
                for (int k = 0; k < cols; k++) {
                    e += (double) (x[k] - y[k]) * (x[k] - y[k]);
                    n2 += (double) x[k] * x[k];
                }
                err[start + i] = e;
                norm[start + i] = n2;
            });
            writeFully(ch, ByteBuffer.wrap(chunk, 0, n * rowBytes));
        }
        ByteBuffer s = ByteBuffer.allocate(scales.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment.copy(scales, 0, MemorySegment.ofBuffer(s), ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, scales.length);
        writeFully(ch, s);
        double e = 0;
        double n2 = 0;
        for (int r = 0; r < rows; r++) {
            e += err[r];
            n2 += norm[r];
        }
        return n2 == 0 ? 0 : Math.sqrt(e / n2);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static long header(StringBuilder json, String name, DType dtype, long[] shape, long offset) {
        long bytes = dtype.byteSize();
        for (long d : shape) {
            bytes *= d;
        }
        json.append(',');
        quote(json, name);
        json.append(":{\"dtype\":\"").append(dtype.safetensorsName()).append("\",\"shape\":[");
        for (int i = 0; i < shape.length; i++) {
            json.append(i == 0 ? "" : ",").append(shape[i]);
        }
        json.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
        return offset + bytes;
    }

    private static void quote(StringBuilder json, String s) {
        json.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                json.append('\\').append(c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", (int) c));
            } else {
                json.append(c);
            }
        }
        json.append('"');
    }
}
