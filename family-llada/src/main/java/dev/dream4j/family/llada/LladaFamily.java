package dev.dream4j.family.llada;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.DecoderRecipe;
import dev.dream4j.spi.model.GenerationDefaults;
import dev.dream4j.spi.model.JsonConfig;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelFamily;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.SpecialTokens;
import dev.dream4j.spi.model.TensorMap;
import dev.dream4j.spi.model.TensorRole;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * LLaDA checkpoints ({@code model_type: "llada"}, GSAI-ML/LLaDA-8B-Base, -Instruct, LLaDA-1.5) as published on Hugging
 * Face: an OLMo "llama" block stack with bidirectional attention, no biases, RMSNorm, SwiGLU ({@code ff_proj}
 * activated, {@code up_proj} multiplied), rotate-half RoPE, and <b>no logit shift</b> (slot j is predicted by row j).
 * Every dimension and id comes from {@code config.json} ({@code d_model}, {@code n_heads}, {@code n_kv_heads},
 * {@code n_layers}, {@code mlp_hidden_size}, {@code embedding_size}, {@code rope_theta}, {@code rms_norm_eps},
 * {@code mask_token_id}, ...); OLMo options this recipe does not implement (ALiBi, LayerNorm, attention layer norm,
 * scaled logits, input embedding norm, biases on every linear layer, other block types) are refused naming the key.
 * Defaults are those of LLaDA's {@code generate()}: {@code low_confidence} remasking, 128 new tokens, one step per
 * token, temperature 0, one block.
 */
public final class LladaFamily implements ModelFamily {

    /** {@code generate()}'s {@code gen_length} default. */
    static final int REFERENCE_GEN_LENGTH = 128;
    /** {@code generate()}'s {@code remasking} default. */
    static final String REFERENCE_REMASKING = "low_confidence";

    @Override
    public String name() {
        return "llada";
    }

    @Override
    public String description() {
        return "LLaDA (model_type llada): bidirectional OLMo/Llama blocks, no logit shift, low_confidence remasking";
    }

    @Override
    public boolean accepts(JsonConfig config) {
        return config.values().get("model_type") instanceof String s && s.equalsIgnoreCase("llada");
    }

    @Override
    public ModelDescription describe(Checkpoint checkpoint) {
        JsonConfig config = checkpoint.config();
        refuse(config, "alibi", true, "ALiBi attention");
        refuse(config, "attention_layer_norm", true, "a layer norm on q and k");
        refuse(config, "scale_logits", true, "scaled logits");
        refuse(config, "input_emb_norm", true, "a scaled input embedding");
        refuse(config, "include_bias", true, "biases on every linear layer");
        refuse(config, "rope", false, "models without rotary embeddings");
        if (config.has("clip_qkv")) {
            throw new CheckpointException(config.file(), "clip_qkv", "the llada family does not clip q/k/v (clip_qkv: "
                    + config.get("clip_qkv").orElse(null) + ")");
        }
        expect(config, "block_type", "llama");
        expect(config, "layer_norm_type", "rms");
        expect(config, "activation_type", "silu");
        int hidden = config.requireInt("d_model");
        int heads = config.requireInt("n_heads");
        int kvHeads = config.optionalBoolean("multi_query_attention").orElse(false) ? 1
                : config.optionalInt("n_kv_heads").orElse(heads);
        if (heads < 1 || hidden % heads != 0) {
            throw new CheckpointException(config.file(), "n_heads", "d_model " + hidden + " is not divisible by n_heads " + heads);
        }
        int layers = config.requireInt("n_layers");
        OptionalInt mlp = config.optionalInt("mlp_hidden_size");
        int intermediate = mlp.isPresent() ? mlp.getAsInt() : config.requireInt("mlp_ratio") * hidden;
        int vocab = config.requireInt("vocab_size");
        if (vocab < 1 || vocab > ModelSpec.MAX_VOCAB) {
            throw new CheckpointException(config.file(), "vocab_size", "vocab_size must be in [1, " + ModelSpec.MAX_VOCAB + "], got " + vocab);
        }
        // OLMo's embedding and output layers have embedding_size rows (vocab_size rounded up) when it is set
        int rows = config.optionalInt("embedding_size").orElse(vocab);
        if (rows < vocab) {
            throw new CheckpointException(config.file(), "embedding_size", "embedding_size " + rows + " is smaller than vocab_size " + vocab);
        }
        boolean tied = config.optionalBoolean("weight_tying").orElse(false);
        boolean qkvBias = config.optionalBoolean("include_qkv_bias").orElse(false);
        ModelSpec spec;
        DecoderRecipe recipe;
        try {
            spec = new ModelSpec(hidden, intermediate, layers, heads, kvHeads, hidden / heads, rows, rows,
                    config.optionalInt("max_sequence_length").orElse(4096));
            recipe = DecoderRecipe.builder(hidden / heads, DecoderRecipe.Rope.half(config.optionalDouble("rope_theta").orElse(10000.0)))
                    .norm(DecoderRecipe.Norm.RMS, config.optionalDouble("rms_norm_eps").orElse(1e-5))
                    .qkvBias(qkvBias)
                    .activation(DecoderRecipe.Activation.SILU)
                    .tiedEmbeddings(tied)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(config.file(), null, e.getMessage(), e);
        }
        Optional<JsonConfig> generation = checkpoint.json("generation_config.json");
        SpecialTokens tokens = specialTokens(checkpoint, config, generation, rows);
        // LLaDA's model numbers positions 0..L-1 and masks padding only through the attention bias
        return new ModelDescription(name(), spec, recipe, tensors(tied, qkvBias), tokens, 0, defaults(generation),
                spec.maxPositionEmbeddings(), ModelDescription.PaddedPositions.SLOT_INDEX);
    }

    /** The published OLMo/LLaDA tensor names. */
    static TensorMap tensors(boolean tied, boolean qkvBias) {
        String block = "model.transformer.blocks." + TensorMap.LAYER + ".";
        TensorMap.Builder b = TensorMap.builder()
                .put(TensorRole.EMBEDDING, "model.transformer.wte.weight")
                .put(TensorRole.FINAL_NORM, "model.transformer.ln_f.weight")
                .put(TensorRole.LM_HEAD, tied ? "model.transformer.wte.weight" : "model.transformer.ff_out.weight")
                .put(TensorRole.ATTENTION_NORM, block + "attn_norm.weight")
                .put(TensorRole.Q, block + "q_proj.weight")
                .put(TensorRole.K, block + "k_proj.weight")
                .put(TensorRole.V, block + "v_proj.weight")
                .put(TensorRole.O, block + "attn_out.weight")
                .put(TensorRole.MLP_NORM, block + "ff_norm.weight")
                .put(TensorRole.GATE, block + "ff_proj.weight")
                .put(TensorRole.UP, block + "up_proj.weight")
                .put(TensorRole.DOWN, block + "ff_out.weight");
        if (qkvBias) {
            b.put(TensorRole.Q_BIAS, block + "q_proj.bias").put(TensorRole.K_BIAS, block + "k_proj.bias")
                    .put(TensorRole.V_BIAS, block + "v_proj.bias");
        }
        return b.build();
    }

    private static SpecialTokens specialTokens(Checkpoint checkpoint, JsonConfig config, Optional<JsonConfig> generation,
                                               int vocab) {
        Map<String, Integer> added = SpecialTokens.declaredAddedTokens(checkpoint);
        OptionalInt mask = SpecialTokens.firstPresent(config.optionalInt("mask_token_id"), SpecialTokens.idOf(added, "<|mdm_mask|>"));
        if (mask.isEmpty()) {
            throw new CheckpointException(config.file(), "mask_token_id",
                    "no mask token: config.json has no mask_token_id and the tokenizer has no <|mdm_mask|>");
        }
        OptionalInt eos = SpecialTokens.firstPresent(config.optionalInt("eos_token_id"),
                generation.map(g -> g.optionalInt("eos_token_id")).orElse(OptionalInt.empty()), SpecialTokens.idOf(added, "<|endoftext|>"));
        if (eos.isEmpty()) {
            throw new CheckpointException(config.file(), "eos_token_id", "no end-of-text token id in config.json or generation_config.json");
        }
        int pad = SpecialTokens.firstPresent(config.optionalInt("pad_token_id"),
                generation.map(g -> g.optionalInt("pad_token_id")).orElse(OptionalInt.empty())).orElse(eos.getAsInt());
        OptionalInt bos = SpecialTokens.firstPresent(config.optionalInt("bos_token_id"),
                generation.map(g -> g.optionalInt("bos_token_id")).orElse(OptionalInt.empty()), SpecialTokens.idOf(added, "<|startoftext|>"));
        SpecialTokens.checkIds(config.file(), vocab, Map.of("mask_token_id", mask, "eos_token_id", eos,
                "pad_token_id", OptionalInt.of(pad), "bos_token_id", bos));
        return new SpecialTokens(mask.getAsInt(), eos.getAsInt(), pad, bos, OptionalInt.empty(), eos.getAsInt());
    }

    /** LLaDA's {@code generate()} defaults, under whatever {@code generation_config.json} sets. */
    private static GenerationDefaults defaults(Optional<JsonConfig> g) {
        return new GenerationDefaults(
                OptionalInt.of(g.map(x -> x.optionalInt("max_new_tokens")).orElse(OptionalInt.empty()).orElse(REFERENCE_GEN_LENGTH)),
                OptionalInt.empty(),
                g.map(x -> x.optionalInt("steps")).orElse(OptionalInt.empty()),
                Optional.of(REFERENCE_REMASKING),
                OptionalDouble.of(g.map(x -> x.optionalDouble("temperature")).orElse(OptionalDouble.empty()).orElse(0.0)),
                OptionalDouble.empty(), OptionalInt.empty(), OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
    }

    private static void refuse(JsonConfig config, String key, boolean value, String what) {
        if (config.optionalBoolean(key).orElse(!value) == value) {
            throw new CheckpointException(config.file(), key, "the llada family does not run " + what + " (" + key + ": " + value + ")");
        }
    }

    private static void expect(JsonConfig config, String key, String value) {
        config.optionalString(key).ifPresent(v -> {
            if (!v.equalsIgnoreCase(value)) {
                throw new CheckpointException(config.file(), key, "the llada family runs " + key + " '" + value + "', found '" + v + "'");
            }
        });
    }
}
