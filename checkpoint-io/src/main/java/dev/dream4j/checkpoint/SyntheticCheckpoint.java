package dev.dream4j.checkpoint;

import dev.dream4j.spi.model.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random-weight checkpoint of a published family's exact Hugging Face layout ({@link Layout}): for Dream ({@code config.json},
 * {@code generation_config.json}, safetensors single or sharded with {@code model.safetensors.index.json},
 * {@code tokenizer.json} with a small byte-level BPE, {@code tokenizer_config.json} with a ChatML template).
 * Deterministic per seed: every tensor's values depend only on the seed and the tensor's name. Values are streamed,
 * so a 7B-shaped checkpoint can be written with little memory. Immutable; build with {@link #builder()}. For LLaDA the
 * same files with LLaDA's {@code config.json} keys and OLMo tensor names. The layouts are data a test writer needs; the
 * runtime reads them only through the family plug-ins.
 */
public record SyntheticCheckpoint(int layers, int hidden, int intermediate, int heads, int kvHeads, int headDim,
                                  int vocab, double ropeTheta, double rmsNormEps, int maxPositions, DType dtype,
                                  long seed, int shards, boolean expandToken, boolean tiedEmbeddings, Layout layout,
                                  boolean optionalTensors) {

    /** The published layouts this writer reproduces. */
    public enum Layout {
        /** Dream / Dream-Coder / DreamOn: Qwen2 config keys and tensor names, q/k/v biases. */
        DREAM,
        /** LLaDA (GSAI-ML/LLaDA-8B-*): OLMo-style config keys ({@code d_model}, {@code n_heads}, ...) and tensor names, no biases. */
        LLADA
    }

    public SyntheticCheckpoint {
        if (layers < 1 || hidden < 2 || intermediate < 1 || heads < 1 || kvHeads < 1 || headDim < 2 || headDim % 2 != 0
                || heads % kvHeads != 0 || maxPositions < 2 || shards < 1) {
            throw new IllegalArgumentException("inconsistent shape: layers=" + layers + " hidden=" + hidden
                    + " intermediate=" + intermediate + " heads=" + heads + " kvHeads=" + kvHeads + " headDim=" + headDim
                    + " maxPositions=" + maxPositions + " shards=" + shards);
        }
        if (vocab < SyntheticTokenizer.size(expandToken)) {
            throw new IllegalArgumentException("vocab " + vocab + " is smaller than the synthetic tokenizer ("
                    + SyntheticTokenizer.size(expandToken) + " tokens)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this checkpoint's settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.layers = layers;
        b.hidden = hidden;
        b.intermediate = intermediate;
        b.heads = heads;
        b.kvHeads = kvHeads;
        b.headDim = headDim;
        b.vocab = vocab;
        b.ropeTheta = ropeTheta;
        b.rmsNormEps = rmsNormEps;
        b.maxPositions = maxPositions;
        b.dtype = dtype;
        b.seed = seed;
        b.shards = shards;
        b.expandToken = expandToken;
        b.tied = tiedEmbeddings;
        b.layout = layout;
        b.optionalTensors = optionalTensors;
        return b;
    }

    /** Special token ids of the synthetic tokenizer. */
    public Map<String, Integer> specialIds() {
        return SyntheticTokenizer.specialIds(expandToken);
    }

    /** Writes the checkpoint into {@code directory} (created if needed) and returns it. */
    public Path write(Path directory) throws IOException {
        Files.createDirectories(directory);
        JsonFiles json = new JsonFiles();
        Map<String, Integer> ids = specialIds();
        json.write(directory.resolve("config.json"), config(ids));
        Map<String, Object> gen = new LinkedHashMap<>();
        if (layout == Layout.LLADA) {
            // LLaDA's published generation_config.json holds the ids only
            gen.put("bos_token_id", ids.get("<|beginoftext|>"));
            gen.put("eos_token_id", ids.get("<|endoftext|>"));
            gen.put("pad_token_id", ids.get("<|endoftext|>"));
        } else {
            gen.put("alg", "entropy");
            gen.put("alg_temp", 0.0);
            gen.put("bos_token_id", ids.get("<|beginoftext|>"));
            gen.put("eos_token_id", ids.get("<|endoftext|>"));
            gen.put("pad_token_id", ids.get("<|endoftext|>"));
            gen.put("mask_token_id", ids.get("<|mask|>"));
            gen.put("eps", 0.001);
            gen.put("steps", 16);
            gen.put("max_new_tokens", 16);
            gen.put("temperature", 0.0);
        }
        json.write(directory.resolve("generation_config.json"), gen);
        SyntheticTokenizer.write(directory, expandToken, json);

        List<SafetensorsWriter> files = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            files.add(new SafetensorsWriter());
        }
        Names n = layout == Layout.DREAM ? Names.DREAM : Names.LLADA;
        long q = (long) heads * headDim;
        long kv = (long) kvHeads * headDim;
        add(files.get(0), n.embed, new long[]{vocab, hidden}, 1.0, 0.0);
        for (int l = 0; l < layers; l++) {
            SafetensorsWriter w = files.get(Math.min(shards - 1, (int) ((long) l * shards / layers)));
            double inScale = Math.sqrt(3.0 / hidden);
            String p = n.layer + l + ".";
            add(w, p + n.inNorm, new long[]{hidden}, 0.2, 1.0);
            add(w, p + n.q, new long[]{q, hidden}, inScale, 0);
            add(w, p + n.k, new long[]{kv, hidden}, inScale, 0);
            add(w, p + n.v, new long[]{kv, hidden}, inScale, 0);
            if (optionalTensors) {
                // Qwen3-style per-head q/k norms and an o_proj bias: recipe building blocks no published layout here uses
                add(w, p + "self_attn.q_norm.weight", new long[]{headDim}, 0.2, 1.0);
                add(w, p + "self_attn.k_norm.weight", new long[]{headDim}, 0.2, 1.0);
                add(w, p + "self_attn.o_proj.bias", new long[]{hidden}, 0.2, 0);
            }
            if (layout == Layout.DREAM) {
                add(w, p + "self_attn.q_proj.bias", new long[]{q}, 0.2, 0);
                add(w, p + "self_attn.k_proj.bias", new long[]{kv}, 0.2, 0);
                add(w, p + "self_attn.v_proj.bias", new long[]{kv}, 0.2, 0);
            }
            add(w, p + n.o, new long[]{hidden, q}, Math.sqrt(3.0 / q), 0);
            add(w, p + n.postNorm, new long[]{hidden}, 0.2, 1.0);
            add(w, p + n.gate, new long[]{intermediate, hidden}, inScale, 0);
            add(w, p + n.up, new long[]{intermediate, hidden}, inScale, 0);
            add(w, p + n.down, new long[]{hidden, intermediate}, Math.sqrt(3.0 / intermediate), 0);
        }
        SafetensorsWriter last = files.get(shards - 1);
        add(last, n.finalNorm, new long[]{hidden}, 0.2, 1.0);
        if (!tiedEmbeddings) {
            add(last, n.lmHead, new long[]{vocab, hidden}, Math.sqrt(3.0 / hidden), 0);
        }
        if (shards == 1) {
            files.getFirst().write(directory.resolve(HfCheckpoint.SINGLE));
        } else {
            Map<String, Object> weightMap = new LinkedHashMap<>();
            long total = 0;
            for (int i = 0; i < shards; i++) {
                String file = String.format("model-%05d-of-%05d.safetensors", i + 1, shards);
                files.get(i).write(directory.resolve(file));
                total += files.get(i).dataBytes();
                for (String tensor : files.get(i).names()) {
                    weightMap.put(tensor, file);
                }
            }
            json.write(directory.resolve(HfCheckpoint.INDEX), Map.of("metadata", Map.of("total_size", total), "weight_map", weightMap));
        }
        return directory;
    }

    /** Uniform values in {@code center ± scale}, from a stream seeded by the seed and the tensor name. */
    private void add(SafetensorsWriter w, String name, long[] shape, double scale, double center) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
        w.add(name, dtype, shape, i -> (float) (center + scale * (2 * random.nextDouble() - 1)));
    }

    /** A layout's tensor names (per-layer ones after {@code layer + index + "."}). */
    private record Names(String embed, String finalNorm, String lmHead, String layer, String inNorm, String q, String k,
                         String v, String o, String postNorm, String gate, String up, String down) {
        static final Names DREAM = new Names("model.embed_tokens.weight", "model.norm.weight", "lm_head.weight",
                "model.layers.", "input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
                "self_attn.v_proj.weight", "self_attn.o_proj.weight", "post_attention_layernorm.weight",
                "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight");
        static final Names LLADA = new Names("model.transformer.wte.weight", "model.transformer.ln_f.weight",
                "model.transformer.ff_out.weight", "model.transformer.blocks.", "attn_norm.weight", "q_proj.weight",
                "k_proj.weight", "v_proj.weight", "attn_out.weight", "ff_norm.weight", "ff_proj.weight", "up_proj.weight",
                "ff_out.weight");
    }

    private Map<String, Object> config(Map<String, Integer> ids) {
        return layout == Layout.DREAM ? dreamConfig(ids) : lladaConfig(ids);
    }

    /** LLaDA's published {@code config.json} keys (LLaDA-8B-Instruct), with this checkpoint's shape. */
    private Map<String, Object> lladaConfig(Map<String, Integer> ids) {
        if (headDim * heads != hidden) {
            throw new IllegalArgumentException("LLaDA derives head_dim as d_model / n_heads: " + hidden + " / " + heads + " != " + headDim);
        }
        if (tiedEmbeddings) {
            throw new IllegalArgumentException("the LLaDA layout writes weight_tying false (an untied ff_out)");
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("activation_type", "silu");
        c.put("alibi", false);
        c.put("architectures", List.of("LLaDAModelLM"));
        c.put("attention_layer_norm", false);
        c.put("block_type", "llama");
        c.put("d_model", hidden);
        c.put("embedding_size", vocab);
        c.put("eos_token_id", ids.get("<|endoftext|>"));
        c.put("include_bias", false);
        c.put("include_qkv_bias", false);
        c.put("input_emb_norm", false);
        c.put("layer_norm_type", "rms");
        c.put("mask_token_id", ids.get("<|mask|>"));
        c.put("max_sequence_length", maxPositions);
        c.put("mlp_hidden_size", intermediate);
        c.put("mlp_ratio", 4);
        c.put("model_type", "llada");
        c.put("n_heads", heads);
        c.put("n_kv_heads", kvHeads);
        c.put("n_layers", layers);
        c.put("pad_token_id", ids.get("<|endoftext|>"));
        c.put("rms_norm_eps", rmsNormEps);
        c.put("rope", true);
        c.put("rope_full_precision", true);
        c.put("rope_theta", ropeTheta);
        c.put("scale_logits", false);
        c.put("transformers_version", "4.46.3");
        c.put("use_cache", false);
        c.put("vocab_size", vocab);
        c.put("weight_tying", false);
        return c;
    }

    private Map<String, Object> dreamConfig(Map<String, Integer> ids) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("architectures", List.of("DreamModel"));
        c.put("attention_dropout", 0.0);
        c.put("bos_token_id", ids.get("<|beginoftext|>"));
        c.put("eos_token_id", ids.get("<|endoftext|>"));
        c.put("hidden_act", "silu");
        c.put("hidden_size", hidden);
        c.put("initializer_range", 0.02);
        c.put("intermediate_size", intermediate);
        c.put("mask_token_id", ids.get("<|mask|>"));
        c.put("max_position_embeddings", maxPositions);
        c.put("max_window_layers", layers);
        c.put("model_type", "Dream");
        c.put("num_attention_heads", heads);
        c.put("num_hidden_layers", layers);
        c.put("num_key_value_heads", kvHeads);
        if (headDim != hidden / heads) {
            c.put("head_dim", headDim);
        }
        c.put("pad_token_id", ids.get("<|endoftext|>"));
        c.put("rms_norm_eps", rmsNormEps);
        c.put("rope_scaling", null);
        c.put("rope_theta", ropeTheta);
        c.put("sliding_window", null);
        c.put("tie_word_embeddings", tiedEmbeddings);
        c.put("torch_dtype", switch (dtype) {
            case BF16 -> "bfloat16";
            case F16 -> "float16";
            case F32 -> "float32";
            case I8, U8 -> throw new IllegalStateException("a synthetic checkpoint is written in a float dtype, not " + dtype);
        });
        c.put("transformers_version", "4.46.2");
        c.put("use_cache", false);
        c.put("use_sliding_window", false);
        c.put("vocab_size", vocab);
        return c;
    }

    /** Collects the shape; defaults give a 2-layer, 64-wide bf16 model. */
    public static final class Builder {
        private int layers = 2;
        private int hidden = 64;
        private int intermediate = 128;
        private int heads = 4;
        private int kvHeads = 2;
        private int headDim = -1;
        private int vocab = -1;
        private double ropeTheta = 10000.0;
        private double rmsNormEps = 1e-6;
        private int maxPositions = 512;
        private DType dtype = DType.BF16;
        private long seed = 1;
        private int shards = 1;
        private boolean expandToken = true;
        private boolean tied = false;
        private Layout layout = Layout.DREAM;
        private boolean optionalTensors = false;

        private Builder() {
        }

        public Builder layers(int v) { layers = v; return this; }
        public Builder hidden(int v) { hidden = v; return this; }
        public Builder intermediate(int v) { intermediate = v; return this; }
        public Builder heads(int v) { heads = v; return this; }
        public Builder kvHeads(int v) { kvHeads = v; return this; }
        public Builder headDim(int v) { headDim = v; return this; }
        public Builder vocab(int v) { vocab = v; return this; }
        public Builder ropeTheta(double v) { ropeTheta = v; return this; }
        public Builder rmsNormEps(double v) { rmsNormEps = v; return this; }
        public Builder maxPositions(int v) { maxPositions = v; return this; }
        public Builder dtype(DType v) {
            if (!v.isFloat()) {
                throw new IllegalArgumentException("a synthetic checkpoint needs a float dtype (BF16, F16, F32), not " + v);
            }
            dtype = v;
            return this;
        }
        public Builder seed(long v) { seed = v; return this; }
        public Builder shards(int v) { shards = v; return this; }
        public Builder expandToken(boolean v) { expandToken = v; return this; }
        public Builder tiedEmbeddings(boolean v) { tied = v; return this; }
        public Builder layout(Layout v) { layout = java.util.Objects.requireNonNull(v); return this; }
        /** Also writes {@code self_attn.q_norm.weight}, {@code k_norm.weight} and {@code o_proj.bias} per layer. */
        public Builder optionalTensors(boolean v) { optionalTensors = v; return this; }

        public SyntheticCheckpoint build() {
            int hd = headDim > 0 ? headDim : hidden / Math.max(1, heads);
            int v = vocab > 0 ? vocab : SyntheticTokenizer.size(expandToken) + 7;
            return new SyntheticCheckpoint(layers, hidden, intermediate, heads, kvHeads, hd, v, ropeTheta, rmsNormEps,
                    maxPositions, dtype, seed, shards, expandToken, tied, layout, optionalTensors);
        }
    }
}
