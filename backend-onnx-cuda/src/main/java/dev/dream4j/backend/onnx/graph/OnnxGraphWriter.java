package dev.dream4j.backend.onnx.graph;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds an ONNX {@code ModelProto} by hand (field numbers from {@code onnx/onnx.proto}). Only what the decoder graph
 * needs: nodes with int/float/string/ints attributes, typed graph inputs and outputs with symbolic dimensions,
 * initializers inline ({@code raw_data}) or external ({@code data_location = EXTERNAL}).
 */
public final class OnnxGraphWriter {

    /** ONNX {@code TensorProto.DataType} codes. */
    public enum ElemType {
        FLOAT(1, 4), UINT8(2, 1), INT32(6, 4), INT64(7, 8), BOOL(9, 1), FLOAT16(10, 2), BFLOAT16(16, 2);

        final int code;
        final int byteSize;

        ElemType(int code, int byteSize) {
            this.code = code;
            this.byteSize = byteSize;
        }

        public int code() {
            return code;
        }

        public int byteSize() {
            return byteSize;
        }
    }

    /** A node attribute. */
    public record Attr(String name, int type, long i, float f, String s, long[] ints) {
        public static Attr of(String name, long value) {
            return new Attr(name, 2, value, 0f, null, null);
        }

        public static Attr of(String name, float value) {
            return new Attr(name, 1, 0, value, null, null);
        }

        public static Attr of(String name, String value) {
            return new Attr(name, 3, 0, 0f, value, null);
        }

        public static Attr ints(String name, long... values) {
            return new Attr(name, 7, 0, 0f, null, values.clone());
        }

        ProtoWriter encode() {
            ProtoWriter a = new ProtoWriter().string(1, name);
            switch (type) {
                case 1 -> a.float32(2, f);
                case 2 -> a.varint(3, i);
                case 3 -> a.string(4, s);
                case 7 -> {
                    for (long v : ints) {
                        a.varint(8, v);
                    }
                }
                default -> throw new IllegalStateException("attribute type " + type);
            }
            return a.varint(20, type);
        }
    }

    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private int nodeCounter;
    private int tempCounter;

    /** A fresh intermediate value name with the given stem. */
    public String temp(String stem) {
        return stem + "_" + (tempCounter++);
    }

    /** Adds a node in domain "" and returns its first output. */
    public String node(String opType, List<String> in, List<String> out, Attr... attrs) {
        return node("", opType, in, out, attrs);
    }

    /** Adds a node; an empty input name means "optional input omitted". */
    public String node(String domain, String opType, List<String> in, List<String> out, Attr... attrs) {
        ProtoWriter n = new ProtoWriter();
        for (String s : in) {
            n.string(1, s);
        }
        for (String s : out) {
            n.string(2, s);
        }
        n.string(3, opType + "_" + (nodeCounter++));
        n.string(4, opType);
        for (Attr a : attrs) {
            n.message(5, a.encode());
        }
        if (!domain.isEmpty()) {
            n.string(7, domain);
        }
        nodes.add(n);
        return out.isEmpty() ? null : out.getFirst();
    }

    /** A one-output node with a generated output name. */
    public String op(String opType, List<String> in, Attr... attrs) {
        return node(opType, in, List.of(temp(opType.toLowerCase())), attrs);
    }

    /**
     * Declares a graph input.
     *
     * @param dims each a {@link Long} (fixed) or a {@link String} (symbolic)
     */
    public void input(String name, ElemType type, Object... dims) {
        inputs.add(valueInfo(name, type, dims));
        names.add(name);
    }

    public void output(String name, ElemType type, Object... dims) {
        outputs.add(valueInfo(name, type, dims));
    }

    /** An initializer stored in the model itself. */
    public void initializer(String name, ElemType type, long[] dims, byte[] rawLittleEndian) {
        ProtoWriter t = tensorHeader(name, type, dims);
        t.bytes(9, rawLittleEndian);
        initializers.add(t);
    }

    /** An initializer whose bytes live in {@code location} (relative to the model file) or are supplied at load. */
    public void externalInitializer(String name, ElemType type, long[] dims, String location, long offset, long length) {
        ProtoWriter t = tensorHeader(name, type, dims);
        t.message(13, entry("location", location));
        t.message(13, entry("offset", Long.toString(offset)));
        t.message(13, entry("length", Long.toString(length)));
        t.varint(14, 1);
        initializers.add(t);
    }

    /** A constant int64 vector initializer; returns its name. */
    public String constInt64(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        initializer(name, ElemType.INT64, new long[]{values.length}, b.array());
        return name;
    }

    /** The serialised model: IR version, opset imports as (domain, version) pairs. */
    public byte[] model(String graphName, int irVersion, String producer, Object... opsets) {
        ProtoWriter g = new ProtoWriter();
        for (ProtoWriter n : nodes) {
            g.message(1, n);
        }
        g.string(2, graphName);
        for (ProtoWriter t : initializers) {
            g.message(5, t);
        }
        for (ProtoWriter v : inputs) {
            g.message(11, v);
        }
        for (ProtoWriter v : outputs) {
            g.message(12, v);
        }
        ProtoWriter m = new ProtoWriter().varint(1, irVersion).string(2, producer);
        m.message(7, g);
        for (int i = 0; i + 1 < opsets.length; i += 2) {
            ProtoWriter o = new ProtoWriter();
            String domain = (String) opsets[i];
            if (!domain.isEmpty()) {
                o.string(1, domain);
            }
            o.varint(2, ((Number) opsets[i + 1]).longValue());
            m.message(8, o);
        }
        return m.toByteArray();
    }

    private static ProtoWriter tensorHeader(String name, ElemType type, long[] dims) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, type.code);
        t.string(8, name);
        return t;
    }

    private static ProtoWriter entry(String key, String value) {
        return new ProtoWriter().string(1, key).string(2, value);
    }

    private static ProtoWriter valueInfo(String name, ElemType type, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            Objects.requireNonNull(d);
            if (d instanceof String s) {
                dim.string(2, s);
            } else {
                dim.varint(1, ((Number) d).longValue());
            }
            shape.message(1, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(1, type.code).message(2, shape);
        ProtoWriter typeProto = new ProtoWriter().message(1, tensorType);
        return new ProtoWriter().string(1, name).message(2, typeProto);
    }
}
