package dev.dream4j.backend.onnx.graph;

import dev.dream4j.backend.onnx.graph.OnnxGraphWriter.Attr;
import dev.dream4j.backend.onnx.graph.OnnxGraphWriter.ElemType;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.DecoderRecipe;
import dev.dream4j.spi.model.TensorMap;
import dev.dream4j.spi.model.TensorRole;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bidirectional decoder as an opset-23 ONNX graph ({@code onnx-graph.md} §1, §2, §8), built from the family's
 * {@link DecoderRecipe} and {@link TensorMap}: no family's names or settings live here.
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
public final class DecoderGraph {
    public static final String INPUT_IDS = "input_ids";
    public static final String POSITION_IDS = "position_ids";
    public static final String ATTN_MASK = "attn_mask";
    public static final String LOGITS_INDEX = "logits_index";
    public static final String LOGITS = "logits";
    public static final int OPSET = 23;
    public static final int IR_VERSION = 10;

    private DecoderGraph() {
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

    /** How an initializer holds its checkpoint tensor. */
    public enum Kind {
        /** fp32, the checkpoint's {@code [out, in]} layout as is. */
        FP32,
        /** the checkpoint's own 16-bit bytes (bf16 or fp16), unconverted; only the embedding table. */
        BF16,
        /** see {@link #BF16}. */
        F16,
        /** packed int4 codes of a {@code [N, K]} weight, {@code uint8 [N, blocks, blockSize / 2]}. */
        INT4,
        /** the fp32 scales that go with {@link #INT4}, {@code [N, blocks]}. */
        INT4_SCALES
    }

    /**
     * A weight initializer.
     *
     * @param name        the initializer's name
     * @param source      the checkpoint tensor it is made from
     * @param sourceShape the checkpoint tensor's expected shape
     * @param kind        how it stores the tensor
     * @param shape       the initializer's shape
     * @param blockSize   int4 block size (0 for fp32)
     */
    public record Weight(String name, String source, long[] sourceShape, Kind kind, long[] shape, int blockSize) {
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        public ElemType elemType() {
            return switch (kind) {
                case INT4 -> ElemType.UINT8;
                case BF16 -> ElemType.BFLOAT16;
                case F16 -> ElemType.FLOAT16;
                case FP32, INT4_SCALES -> ElemType.FLOAT;
            };
        }

        /** Bytes of the initializer. */
        public long bytes() {
            return elements() * elemType().byteSize();
        }

        static Weight fp32(String name, long... shape) {
            return new Weight(name, name, shape, Kind.FP32, shape, 0);
        }
    }

    /** Where an initializer's bytes are declared to live. */
    public record External(String location, long offset) {
    }

    /**
     * Graph choices.
     *
     * @param attnMask      whether the graph has the {@code attn_mask} input
     * @param ropeRows      rows of the cos/sin tables: positions must be below it
     * @param int4BlockSize 0 for fp32 linear layers; else every projection and the LM head is a
     *                      {@code com.microsoft.MatMulNBits} with int4 weights in blocks of this size
     * @param embedding     how the embedding table is stored: {@link Kind#FP32}, or {@link Kind#BF16} /
     *                      {@link Kind#F16} (the checkpoint's bytes, gathered then cast to fp32: half the memory, and
     *                      a 7B table fits one direct buffer); a 16-bit table needs an untied or int4 LM head
     */
    public record Options(boolean attnMask, int ropeRows, int int4BlockSize, Kind embedding) {
        public Options {
            if (ropeRows < 1) {
                throw new IllegalArgumentException("ropeRows must be >= 1, got " + ropeRows);
            }
            if (int4BlockSize != 0) {
                Int4Quantizer.checkBlockSize(int4BlockSize);
            }
            if (embedding != Kind.FP32 && embedding != Kind.BF16 && embedding != Kind.F16) {
                throw new IllegalArgumentException("the embedding is stored as FP32, BF16 or F16, not " + embedding);
            }
        }

        /** Mask on, fp32, tables covering {@code min(max_position_embeddings, max(context, 8192))} positions. */
        public static Options defaults(ModelDescription model) {
            int rows = Math.min(model.spec().maxPositionEmbeddings(), Math.max(model.contextLength(), 8192));
            return new Options(true, rows, 0, Kind.FP32);
        }

        public Options withInt4(int blockSize) {
            return new Options(attnMask, ropeRows, blockSize, embedding);
        }

        public Options withEmbedding(Kind kind) {
            return new Options(attnMask, ropeRows, int4BlockSize, kind);
        }

        public boolean int4() {
            return int4BlockSize != 0;
        }
    }

    /** Every initializer the graph reads, in graph order, each once (a tied fp32 LM head is the embedding). */
    public static List<Weight> weights(ModelDescription model, Options options) {
        ModelSpec s = model.spec();
        DecoderRecipe recipe = model.recipe();
        TensorMap n = model.tensors();
        int bs = options.int4BlockSize();
        Map<String, Weight> out = new LinkedHashMap<>();
        long h = s.hiddenSize();
        boolean tied = n.tiedEmbeddings();
        if (options.embedding() != Kind.FP32 && tied && !options.int4()) {
            throw new IllegalArgumentException("a tied fp32 LM head shares the embedding initializer, which must then be fp32");
        }
        String embed = n.name(TensorRole.EMBEDDING);
        long[] embShape = {s.embeddingRows(), h};
        out.put(embed, new Weight(embed, embed, embShape, options.embedding(), embShape, 0));
        for (int l = 0; l < s.numLayers(); l++) {
            dense(out, n.name(TensorRole.ATTENTION_NORM, l), h);
            linear(out, n.name(TensorRole.Q, l), bs, s.qDim(), h);
            linear(out, n.name(TensorRole.K, l), bs, s.kvDim(), h);
            linear(out, n.name(TensorRole.V, l), bs, s.kvDim(), h);
            if (recipe.qkvBias()) {
                dense(out, n.name(TensorRole.Q_BIAS, l), s.qDim());
                dense(out, n.name(TensorRole.K_BIAS, l), s.kvDim());
                dense(out, n.name(TensorRole.V_BIAS, l), s.kvDim());
            }
            if (recipe.qkNorm()) {
                dense(out, n.name(TensorRole.Q_NORM, l), s.headDim());
                dense(out, n.name(TensorRole.K_NORM, l), s.headDim());
            }
            linear(out, n.name(TensorRole.O, l), bs, h, s.qDim());
            if (recipe.outputBias()) {
                dense(out, n.name(TensorRole.O_BIAS, l), h);
            }
            dense(out, n.name(TensorRole.MLP_NORM, l), h);
            linear(out, n.name(TensorRole.GATE, l), bs, s.intermediateSize(), h);
            linear(out, n.name(TensorRole.UP, l), bs, s.intermediateSize(), h);
            linear(out, n.name(TensorRole.DOWN, l), bs, h, s.intermediateSize());
        }
        dense(out, n.name(TensorRole.FINAL_NORM), h);
        linear(out, n.name(TensorRole.LM_HEAD), bs, s.vocabSize(), h);
        return List.copyOf(out.values());
    }

    /** The fp32 weights of the default graph. */
    public static List<Weight> weights(ModelDescription model) {
        return weights(model, Options.defaults(model));
    }

    private static void dense(Map<String, Weight> out, String name, long... shape) {
        out.putIfAbsent(name, Weight.fp32(name, shape));
    }

    private static void linear(Map<String, Weight> out, String name, int blockSize, long n, long k) {
        if (blockSize == 0) {
            dense(out, name, n, k);
            return;
        }
        long blocks = Int4Quantizer.blocks(k, blockSize);
        long[] src = {n, k};
        out.putIfAbsent(int4Name(name), new Weight(int4Name(name), name, src, Kind.INT4, new long[]{n, blocks, blockSize / 2}, blockSize));
        out.putIfAbsent(scalesName(name), new Weight(scalesName(name), name, src, Kind.INT4_SCALES, new long[]{n, blocks}, blockSize));
    }

    public static String int4Name(String weight) {
        return weight + ".int4";
    }

    public static String scalesName(String weight) {
        return weight + ".scales";
    }

    /** fp32 cos and sin tables {@code [rows, head_dim / 2]}, computed as Hugging Face does (fp32 inv_freq). */
    public static float[][] ropeTables(ModelDescription model, int rows) {
        int half = model.spec().headDim() / 2;
        float[] invFreq = model.recipe().rope().inverseFrequencies(model.spec().headDim());
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
        DecoderRecipe recipe = model.recipe();
        TensorMap wn = model.tensors();
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

        for (Weight w : weights(model, options)) {
            External e = placement.apply(w);
            g.externalInitializer(w.name(), w.elemType(), w.shape(), e.location(), e.offset(), w.bytes());
        }
        int bs = options.int4BlockSize();
        long hid = s.hiddenSize();
        float[][] rope = ropeTables(model, options.ropeRows());
        long[] ropeDims = {options.ropeRows(), s.headDim() / 2};
        g.initializer("rope.cos", ElemType.FLOAT, ropeDims, floats(rope[0]));
        g.initializer("rope.sin", ElemType.FLOAT, ropeDims, floats(rope[1]));
        String flat = g.constInt64("const.flat", -1);
        String minusOne = g.constInt64("const.minus_one", -1);
        String qFlat = g.constInt64("const.q_flat", -1, s.qDim());
        String headRows = recipe.qkNorm() ? g.constInt64("const.head_rows", -1, s.headDim()) : null;
        long interleaved = recipe.rope().style() == DecoderRecipe.RopeStyle.INTERLEAVED ? 1L : 0L;

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
        String x = g.op("Gather", List.of(wn.name(TensorRole.EMBEDDING), ids), Attr.of("axis", 0L));
        if (options.embedding() != Kind.FP32) {
            x = g.op("Cast", List.of(x), Attr.of("to", (long) ElemType.FLOAT.code()));
        }
        float eps = (float) recipe.normEps();
        boolean bias = recipe.qkvBias();
        for (int l = 0; l < s.numLayers(); l++) {
            String h = rmsNorm(g, x, wn.name(TensorRole.ATTENTION_NORM, l), eps);
            String q = linear(g, bs, s.qDim(), hid, h, wn.name(TensorRole.Q, l), bias ? wn.name(TensorRole.Q_BIAS, l) : null);
            String k = linear(g, bs, s.kvDim(), hid, h, wn.name(TensorRole.K, l), bias ? wn.name(TensorRole.K_BIAS, l) : null);
            String v = linear(g, bs, s.kvDim(), hid, h, wn.name(TensorRole.V, l), bias ? wn.name(TensorRole.V_BIAS, l) : null);
            if (recipe.qkNorm()) {
                // per head: [T * heads, head_dim] rows through RMSNormalization with the [head_dim] weight
                q = rmsNorm(g, g.op("Reshape", List.of(q, headRows)), wn.name(TensorRole.Q_NORM, l), eps);
                k = rmsNorm(g, g.op("Reshape", List.of(k, headRows)), wn.name(TensorRole.K_NORM, l), eps);
            }
            q = g.op("Reshape", List.of(q, shape3));
            k = g.op("Reshape", List.of(k, shape3));
            v = g.op("Reshape", List.of(v, shape3));
            q = g.op("RotaryEmbedding", List.of(q, "rope.cos", "rope.sin", POSITION_IDS),
                    Attr.of("interleaved", interleaved), Attr.of("num_heads", (long) s.numHeads()));
            k = g.op("RotaryEmbedding", List.of(k, "rope.cos", "rope.sin", POSITION_IDS),
                    Attr.of("interleaved", interleaved), Attr.of("num_heads", (long) s.numKvHeads()));
            String att = g.temp("attention");
            g.node("Attention",
                    List.of(q, k, v, options.attnMask() ? ATTN_MASK : "", pastKey(l), pastValue(l)),
                    List.of(att, presentKey(l), presentValue(l)),
                    Attr.of("q_num_heads", (long) s.numHeads()), Attr.of("kv_num_heads", (long) s.numKvHeads()),
                    Attr.of("is_causal", 0L), Attr.of("scale", (float) recipe.attentionScale()));
            if (queryVisible != null) {
                att = g.op("Where", List.of(queryVisible, att, zero));
            }
            String a = g.op("Reshape", List.of(att, qFlat));
            x = g.op("Add", List.of(x, linear(g, bs, hid, s.qDim(), a, wn.name(TensorRole.O, l),
                    recipe.outputBias() ? wn.name(TensorRole.O_BIAS, l) : null)));
            h = rmsNorm(g, x, wn.name(TensorRole.MLP_NORM, l), eps);
            String gate = linear(g, bs, s.intermediateSize(), hid, h, wn.name(TensorRole.GATE, l), null);
            String up = linear(g, bs, s.intermediateSize(), hid, h, wn.name(TensorRole.UP, l), null);
            String activated = switch (recipe.activation()) {
                case SILU -> g.op("Mul", List.of(gate, g.op("Sigmoid", List.of(gate))));
                case GELU_TANH -> g.op("Gelu", List.of(gate), Attr.of("approximate", "tanh"));
            };
            String mlp = linear(g, bs, hid, s.intermediateSize(), g.op("Mul", List.of(activated, up)), wn.name(TensorRole.DOWN, l), null);
            x = g.op("Add", List.of(x, mlp));
        }
        // RMSNorm is per row, so selecting the rows first is exact and spares the norm and LM head the other rows
        String picked = g.op("Gather", List.of(x, LOGITS_INDEX), Attr.of("axis", 0L));
        String hFinal = rmsNorm(g, picked, wn.name(TensorRole.FINAL_NORM), eps);
        String logits = linear(g, bs, s.vocabSize(), hid, hFinal, wn.name(TensorRole.LM_HEAD), null);
        g.node("Identity", List.of(logits), List.of(LOGITS));
        return options.int4()
                ? g.model(model.family(), IR_VERSION, "dream4j", "", OPSET, "com.microsoft", 1)
                : g.model(model.family(), IR_VERSION, "dream4j", "", OPSET);
    }

    private static String rmsNorm(OnnxGraphWriter g, String x, String weight, float eps) {
        return g.op("RMSNormalization", List.of(x, weight),
                Attr.of("axis", -1L), Attr.of("epsilon", eps), Attr.of("stash_type", 1L));
    }

    /** {@code x [T, k] -> [T, n]}: Gemm over the fp32 {@code [n, k]} weight, or MatMulNBits over its int4 form. */
    private static String linear(OnnxGraphWriter g, int blockSize, long n, long k, String x, String weight, String bias) {
        if (blockSize == 0) {
            List<String> in = new ArrayList<>(List.of(x, weight));
            if (bias != null) {
                in.add(bias);
            }
            return g.op("Gemm", in, Attr.of("transB", 1L));
        }
        String y = g.node("com.microsoft", "MatMulNBits", List.of(x, int4Name(weight), scalesName(weight)),
                List.of(g.temp("matmulnbits")), Attr.of("K", k), Attr.of("N", n), Attr.of("bits", 4L),
                Attr.of("block_size", (long) blockSize));
        return bias == null ? y : g.op("Add", List.of(y, bias));
    }

    private static byte[] floats(float[] v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
