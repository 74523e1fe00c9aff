package dev.dream4j.checkpoint;

import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.WeightNames;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Writes a random-weight Dream checkpoint in the exact Hugging Face layout ({@code config.json},
 * {@code generation_config.json}, safetensors single or sharded with {@code model.safetensors.index.json},
 * {@code tokenizer.json} with a small byte-level BPE, {@code tokenizer_config.json} with a ChatML template).
 * Deterministic per seed: every tensor's values depend only on the seed and the tensor's name. Values are streamed,
 * so a 7B-shaped checkpoint can be written with little memory. Immutable; build with {@link #builder()}.
 */
public record SyntheticCheckpoint(int layers, int hidden, int intermediate, int heads, int kvHeads, int headDim,
                                  int vocab, double ropeTheta, double rmsNormEps, int maxPositions, DType dtype,
                                  long seed, int shards, boolean expandToken, boolean tiedEmbeddings) {

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
        json.write(directory.resolve("generation_config.json"), gen);
        SyntheticTokenizer.write(directory, expandToken, json);

        List<SafetensorsWriter> files = new ArrayList<>();
        for (int i = 0; i < shards; i++) {
            files.add(new SafetensorsWriter());
        }
        WeightNames names = WeightNames.qwen2(tiedEmbeddings);
        int shard = 0;
        add(files.get(shard), names.embedTokens(), new long[]{vocab, hidden}, 1.0, 0.0);
        for (int l = 0; l < layers; l++) {
            SafetensorsWriter w = files.get(Math.min(shards - 1, (int) ((long) l * shards / layers)));
            double inScale = Math.sqrt(3.0 / hidden);
            add(w, names.layer(l, WeightNames.INPUT_NORM), new long[]{hidden}, 0.2, 1.0);
            add(w, names.layer(l, WeightNames.Q_WEIGHT), new long[]{(long) heads * headDim, hidden}, inScale, 0);
            add(w, names.layer(l, WeightNames.Q_BIAS), new long[]{(long) heads * headDim}, 0.2, 0);
            add(w, names.layer(l, WeightNames.K_WEIGHT), new long[]{(long) kvHeads * headDim, hidden}, inScale, 0);
            add(w, names.layer(l, WeightNames.K_BIAS), new long[]{(long) kvHeads * headDim}, 0.2, 0);
            add(w, names.layer(l, WeightNames.V_WEIGHT), new long[]{(long) kvHeads * headDim, hidden}, inScale, 0);
            add(w, names.layer(l, WeightNames.V_BIAS), new long[]{(long) kvHeads * headDim}, 0.2, 0);
            add(w, names.layer(l, WeightNames.O_WEIGHT), new long[]{hidden, (long) heads * headDim}, Math.sqrt(3.0 / (heads * headDim)), 0);
            add(w, names.layer(l, WeightNames.POST_ATTENTION_NORM), new long[]{hidden}, 0.2, 1.0);
            add(w, names.layer(l, WeightNames.GATE_WEIGHT), new long[]{intermediate, hidden}, inScale, 0);
            add(w, names.layer(l, WeightNames.UP_WEIGHT), new long[]{intermediate, hidden}, inScale, 0);
            add(w, names.layer(l, WeightNames.DOWN_WEIGHT), new long[]{hidden, intermediate}, Math.sqrt(3.0 / intermediate), 0);
        }
        SafetensorsWriter last = files.get(shards - 1);
        add(last, names.finalNorm(), new long[]{hidden}, 0.2, 1.0);
        if (!tiedEmbeddings) {
            add(last, names.lmHead(), new long[]{vocab, hidden}, Math.sqrt(3.0 / hidden), 0);
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
                for (String n : files.get(i).names()) {
                    weightMap.put(n, file);
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

    private Map<String, Object> config(Map<String, Integer> ids) {
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

        public SyntheticCheckpoint build() {
            int hd = headDim > 0 ? headDim : hidden / Math.max(1, heads);
            int v = vocab > 0 ? vocab : SyntheticTokenizer.size(expandToken) + 7;
            return new SyntheticCheckpoint(layers, hidden, intermediate, heads, kvHeads, hd, v, ropeTheta, rmsNormEps,
                    maxPositions, dtype, seed, shards, expandToken, tied);
        }
    }
}
