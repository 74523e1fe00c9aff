package dev.dream4j.backend.onnx.graph;

import dev.dream4j.backend.onnx.graph.OnnxGraphWriter.Attr;
import dev.dream4j.backend.onnx.graph.OnnxGraphWriter.ElemType;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.WeightNames;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Dream (bidirectional Qwen2) decoder as an opset-23 ONNX graph ({@code onnx-graph.md} §1, §2, §8).
 *
 * <p>Inputs: {@code input_ids} int64 {@code [batch, seq]}, {@code position_ids} int64 {@code [batch, seq]}, optional
 * {@code attn_mask} bool {@code [batch, 1, seq, past + seq]} (true = attend), {@code logits_index} int64 {@code [n]}
 * with flat slots {@code b * seq + j}, and per layer {@code past_key_values.{i}.key/value} fp32
 * {@code [batch, kv_heads, past, head_dim]} (post-RoPE; {@code past} may be 0). Outputs: {@code logits} fp32
 * {@code [n, vocab]} (unshifted, only for the listed slots) and {@code present.{i}.key/value} fp32
 * {@code [batch, kv_heads, past + seq, head_dim]}. A query whose {@code attn_mask} row is all false gets a zero
 * attention output.
 *
 * <p>Activations are kept flat ({@code [batch * seq, hidden]}) so every projection is a {@code Gemm} with
 * {@code transB = 1} over the Hugging Face {@code [out, in]} weight as stored: no transposed copies, and tied
 * embeddings share one initializer. Weights are fp32 initializers whose bytes the caller places (external file or
 * {@code SessionOptions.addExternalInitializers}).
 */
public final class DreamGraph {
    public static final String INPUT_IDS = "input_ids";
    public static final String POSITION_IDS = "position_ids";
    public static final String ATTN_MASK = "attn_mask";
    public static final String LOGITS_INDEX = "logits_index";
    public static final String LOGITS = "logits";
    public static final int OPSET = 23;
    public static final int IR_VERSION = 10;

    private DreamGraph() {
    }

    public static String pastKey(int layer) {
        return "past_key_values." + layer + ".key";
    }

    public static String pastValue(int layer) {
        return "past_key_values." + layer + ".value";
    }

    public static String presentKey(int layer) {
        return "present." + layer + ".key";
    }

    public static String presentValue(int layer) {
        return "present." + layer + ".value";
    }

    /** A weight initializer: its name (the checkpoint tensor's name) and its shape as the graph expects it. */
    public record Weight(String name, long[] shape) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        /** Bytes as fp32. */
        public long fp32Bytes() {
            return elements() * 4;
        }
    }

    /** Where an initializer's bytes are declared to live. */
    public record External(String location, long offset) {
    }

    /**
     * Graph choices.
     *
     * @param attnMask whether the graph has the {@code attn_mask} input
     * @param ropeRows rows of the cos/sin tables: positions must be below it
     */
    public record Options(boolean attnMask, int ropeRows) {
        public Options {
            if (ropeRows < 1) {
                throw new IllegalArgumentException("ropeRows must be >= 1, got " + ropeRows);
            }
        }

        /** Mask on, tables covering {@code min(max_position_embeddings, max(context, 8192))} positions. */
        public static Options defaults(ModelDescription model) {
            int rows = Math.min(model.spec().maxPositionEmbeddings(), Math.max(model.contextLength(), 8192));
            return new Options(true, rows);
        }
    }

    /** Every weight the graph reads, in graph order, each once (a tied LM head is the embedding). */
    public static List<Weight> weights(ModelDescription model) {
        ModelSpec s = model.spec();
        WeightNames n = model.weights();
        Map<String, Weight> out = new LinkedHashMap<>();
        long h = s.hiddenSize();
        put(out, n.embedTokens(), s.vocabSize(), h);
        for (int l = 0; l < s.numLayers(); l++) {
            put(out, n.layer(l, WeightNames.INPUT_NORM), h);
            put(out, n.layer(l, WeightNames.Q_WEIGHT), s.qDim(), h);
            put(out, n.layer(l, WeightNames.K_WEIGHT), s.kvDim(), h);
            put(out, n.layer(l, WeightNames.V_WEIGHT), s.kvDim(), h);
            if (s.attentionBias()) {
                put(out, n.layer(l, WeightNames.Q_BIAS), s.qDim());
                put(out, n.layer(l, WeightNames.K_BIAS), s.kvDim());
                put(out, n.layer(l, WeightNames.V_BIAS), s.kvDim());
            }
            put(out, n.layer(l, WeightNames.O_WEIGHT), h, s.qDim());
            put(out, n.layer(l, WeightNames.POST_ATTENTION_NORM), h);
            put(out, n.layer(l, WeightNames.GATE_WEIGHT), s.intermediateSize(), h);
            put(out, n.layer(l, WeightNames.UP_WEIGHT), s.intermediateSize(), h);
            put(out, n.layer(l, WeightNames.DOWN_WEIGHT), h, s.intermediateSize());
        }
        put(out, n.finalNorm(), h);
        put(out, n.lmHead(), s.vocabSize(), h);
        return List.copyOf(out.values());
    }

    private static void put(Map<String, Weight> out, String name, long... shape) {
        out.putIfAbsent(name, new Weight(name, shape));
    }

    /** fp32 cos and sin tables {@code [rows, head_dim / 2]}, computed as Hugging Face does (fp32 inv_freq). */
    public static float[][] ropeTables(ModelSpec spec, int rows) {
        int half = spec.headDim() / 2;
        float[] invFreq = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) spec.headDim();
            invFreq[i] = 1.0f / (float) Math.pow(spec.ropeTheta(), exponent);
        }
        float[] cos = new float[rows * half];
        float[] sin = new float[rows * half];
        for (int p = 0; p < rows; p++) {
            for (int i = 0; i < half; i++) {
                float angle = (float) p * invFreq[i];
                cos[p * half + i] = (float) Math.cos(angle);
                sin[p * half + i] = (float) Math.sin(angle);
            }
        }
        return new float[][]{cos, sin};
    }

    /** Builds the serialised model; {@code placement} says where each weight's bytes are declared to live. */
    public static byte[] build(ModelDescription model, Options options, java.util.function.Function<Weight, External> placement) {
        ModelSpec s = model.spec();
        WeightNames wn = model.weights();
        OnnxGraphWriter g = new OnnxGraphWriter();

        g.input(INPUT_IDS, ElemType.INT64, "batch", "seq");
        g.input(POSITION_IDS, ElemType.INT64, "batch", "seq");
        if (options.attnMask()) {
            g.input(ATTN_MASK, ElemType.BOOL, "batch", 1L, "seq", "total");
        }
        g.input(LOGITS_INDEX, ElemType.INT64, "rows");
        for (int l = 0; l < s.numLayers(); l++) {
            g.input(pastKey(l), ElemType.FLOAT, "batch", (long) s.numKvHeads(), "past", (long) s.headDim());
            g.input(pastValue(l), ElemType.FLOAT, "batch", (long) s.numKvHeads(), "past", (long) s.headDim());
        }
        g.output(LOGITS, ElemType.FLOAT, "rows", (long) s.vocabSize());
        for (int l = 0; l < s.numLayers(); l++) {
            g.output(presentKey(l), ElemType.FLOAT, "batch", (long) s.numKvHeads(), "total", (long) s.headDim());
            g.output(presentValue(l), ElemType.FLOAT, "batch", (long) s.numKvHeads(), "total", (long) s.headDim());
        }

        for (Weight w : weights(model)) {
            External e = placement.apply(w);
            g.externalInitializer(w.name(), ElemType.FLOAT, w.shape(), e.location(), e.offset(), w.fp32Bytes());
        }
        float[][] rope = ropeTables(s, options.ropeRows());
        long[] ropeDims = {options.ropeRows(), s.headDim() / 2};
        g.initializer("rope.cos", ElemType.FLOAT, ropeDims, floats(rope[0]));
        g.initializer("rope.sin", ElemType.FLOAT, ropeDims, floats(rope[1]));
        String flat = g.constInt64("const.flat", -1);
        String minusOne = g.constInt64("const.minus_one", -1);
        String qFlat = g.constInt64("const.q_flat", -1, s.qDim());

        // [batch, seq, -1]: the 3-D shape Rotary/Attention want, from the runtime shape of input_ids
        String idsShape = g.op("Shape", List.of(INPUT_IDS));
        String shape3 = g.op("Concat", List.of(idsShape, minusOne), Attr.of("axis", 0L));

        // a query whose mask row is all false attends to nothing: its attention output is forced to zero (what
        // PyTorch SDPA returns for such rows), so no NaN of an empty softmax can leak into the residual stream
        String queryVisible = null;
        String zero = null;
        if (options.attnMask()) {
            String maskF = g.op("Cast", List.of(ATTN_MASK), Attr.of("to", (long) ElemType.FLOAT.code()));
            String anyKey = g.op("ReduceMax", List.of(maskF, minusOne), Attr.of("keepdims", 1L));
            String squeezed = g.op("Squeeze", List.of(anyKey, g.constInt64("const.axis1", 1)));
            queryVisible = g.op("Cast", List.of(squeezed), Attr.of("to", (long) ElemType.BOOL.code()));
            zero = "const.zero";
            g.initializer(zero, ElemType.FLOAT, new long[0], new byte[4]);
        }

        String ids = g.op("Reshape", List.of(INPUT_IDS, flat));
        String x = g.op("Gather", List.of(wn.embedTokens(), ids), Attr.of("axis", 0L));
        float eps = (float) s.rmsNormEps();
        for (int l = 0; l < s.numLayers(); l++) {
            String h = rmsNorm(g, x, wn.layer(l, WeightNames.INPUT_NORM), eps);
            String q = linear(g, h, wn.layer(l, WeightNames.Q_WEIGHT), s.attentionBias() ? wn.layer(l, WeightNames.Q_BIAS) : null);
            String k = linear(g, h, wn.layer(l, WeightNames.K_WEIGHT), s.attentionBias() ? wn.layer(l, WeightNames.K_BIAS) : null);
            String v = linear(g, h, wn.layer(l, WeightNames.V_WEIGHT), s.attentionBias() ? wn.layer(l, WeightNames.V_BIAS) : null);
            q = g.op("Reshape", List.of(q, shape3));
            k = g.op("Reshape", List.of(k, shape3));
            v = g.op("Reshape", List.of(v, shape3));
            q = g.op("RotaryEmbedding", List.of(q, "rope.cos", "rope.sin", POSITION_IDS),
                    Attr.of("interleaved", 0L), Attr.of("num_heads", (long) s.numHeads()));
            k = g.op("RotaryEmbedding", List.of(k, "rope.cos", "rope.sin", POSITION_IDS),
                    Attr.of("interleaved", 0L), Attr.of("num_heads", (long) s.numKvHeads()));
            String att = g.temp("attention");
            g.node("Attention",
                    List.of(q, k, v, options.attnMask() ? ATTN_MASK : "", pastKey(l), pastValue(l)),
                    List.of(att, presentKey(l), presentValue(l)),
                    Attr.of("q_num_heads", (long) s.numHeads()), Attr.of("kv_num_heads", (long) s.numKvHeads()),
                    Attr.of("is_causal", 0L));
            if (queryVisible != null) {
                att = g.op("Where", List.of(queryVisible, att, zero));
            }
            String a = g.op("Reshape", List.of(att, qFlat));
            x = g.op("Add", List.of(x, linear(g, a, wn.layer(l, WeightNames.O_WEIGHT), null)));
            h = rmsNorm(g, x, wn.layer(l, WeightNames.POST_ATTENTION_NORM), eps);
            String gate = linear(g, h, wn.layer(l, WeightNames.GATE_WEIGHT), null);
            String up = linear(g, h, wn.layer(l, WeightNames.UP_WEIGHT), null);
            String silu = g.op("Mul", List.of(gate, g.op("Sigmoid", List.of(gate))));
            String mlp = linear(g, g.op("Mul", List.of(silu, up)), wn.layer(l, WeightNames.DOWN_WEIGHT), null);
            x = g.op("Add", List.of(x, mlp));
        }
        // RMSNorm is per row, so selecting the rows first is exact and spares the norm and LM head the other rows
        String picked = g.op("Gather", List.of(x, LOGITS_INDEX), Attr.of("axis", 0L));
        String hFinal = rmsNorm(g, picked, wn.finalNorm(), eps);
        g.node("Gemm", List.of(hFinal, wn.lmHead()), List.of(LOGITS), Attr.of("transB", 1L));
        return g.model("dream", IR_VERSION, "dream4j", "", OPSET);
    }

    private static String rmsNorm(OnnxGraphWriter g, String x, String weight, float eps) {
        return g.op("RMSNormalization", List.of(x, weight),
                Attr.of("axis", -1L), Attr.of("epsilon", eps), Attr.of("stash_type", 1L));
    }

    private static String linear(OnnxGraphWriter g, String x, String weight, String bias) {
        List<String> in = new ArrayList<>(List.of(x, weight));
        if (bias != null) {
            in.add(bias);
        }
        return g.op("Gemm", in, Attr.of("transB", 1L));
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
