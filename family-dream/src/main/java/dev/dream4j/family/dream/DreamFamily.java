package dev.dream4j.family.dream;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.GenerationDefaults;
import dev.dream4j.spi.model.JsonConfig;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelFamily;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.SpecialTokens;
import dev.dream4j.spi.model.DecoderRecipe;
import dev.dream4j.spi.model.TensorMap;
import dev.dream4j.spi.model.TensorRole;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Dream, Dream-Coder and DreamOn checkpoints ({@code model_type: "Dream"}): a Qwen2 decoder with bidirectional
 * attention whose predictions are shifted by one position. Every id and dimension comes from the checkpoint's
 * files; the defaults below are Hugging Face's {@code DreamConfig} defaults, used only for fields a config omits.
 */
public final class DreamFamily implements ModelFamily {

    static final String MASK_TOKEN = "<|mask|>";
    /** {@code DreamGenerationConfig.steps}. */
    static final int REFERENCE_STEPS = 512;
    /** {@code DreamGenerationConfig.alg}. */
    static final String REFERENCE_ALG = "origin";
    /** {@code DreamGenerationConfig.eps}. */
    static final double REFERENCE_EPS = 1e-3;
    /** transformers' {@code GenerationConfig.top_k} default, which Dream's reference applies when nothing sets top_k. */
    static final int LEGACY_TOP_K = 50;
    static final String EXPAND_TOKEN = "<|expand|>";

    @Override
    public String name() {
        return "dream";
    }

    @Override
    public String description() {
        return "Dream / Dream-Coder / DreamOn (model_type Dream): bidirectional Qwen2, logits shifted by one";
    }

    @Override
    public boolean accepts(JsonConfig config) {
        Object type = config.values().get("model_type");
        return type instanceof String s && (s.equalsIgnoreCase("Dream") || s.equalsIgnoreCase("DreamOn"));
    }

    @Override
    public ModelDescription describe(Checkpoint checkpoint) {
        JsonConfig config = checkpoint.config();
        int hidden = config.requireInt("hidden_size");
        int heads = config.requireInt("num_attention_heads");
        int kvHeads = config.optionalInt("num_key_value_heads").orElse(heads);
        if (heads <= 0 || hidden % heads != 0 && !config.has("head_dim")) {
            throw new CheckpointException(config.file(), "num_attention_heads",
                    "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        }
        int headDim = config.optionalInt("head_dim").orElse(hidden / heads);
        boolean tied = config.optionalBoolean("tie_word_embeddings").orElse(false);
        config.optionalObject("rope_scaling").ifPresent(rs -> {
            throw new CheckpointException(config.file(), "rope_scaling",
                    "rope scaling is not supported by the Dream family (Dream checkpoints use none)");
        });
        ModelSpec spec;
        DecoderRecipe recipe;
        try {
            spec = new ModelSpec(hidden, config.requireInt("intermediate_size"), config.requireInt("num_hidden_layers"),
                    heads, kvHeads, headDim, config.requireInt("vocab_size"),
                    config.optionalInt("max_position_embeddings").orElse(32768));
            // Qwen2 layer math: RMSNorm, biases on q/k/v only, SwiGLU with gate_proj activated, rotate-half RoPE
            recipe = DecoderRecipe.builder(headDim, DecoderRecipe.Rope.half(config.optionalDouble("rope_theta").orElse(10000.0)))
                    .norm(DecoderRecipe.Norm.RMS, config.optionalDouble("rms_norm_eps").orElse(1e-6))
                    .qkvBias(true)
                    .activation(activation(config))
                    .tiedEmbeddings(tied)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(config.file(), null, e.getMessage(), e);
        }
        Optional<JsonConfig> generation = checkpoint.json("generation_config.json");
        SpecialTokens tokens = specialTokens(checkpoint, config, generation, spec.vocabSize());
        return new ModelDescription(name(), spec, recipe, tensors(tied), tokens, 1, defaults(config, generation),
                spec.maxPositionEmbeddings());
    }

    private static DecoderRecipe.Activation activation(JsonConfig config) {
        String act = config.optionalString("hidden_act").orElse("silu");
        if (!act.equals("silu")) {
            throw new CheckpointException(config.file(), "hidden_act", "the Dream family runs hidden_act 'silu', found '" + act + "'");
        }
        return DecoderRecipe.Activation.SILU;
    }

    /** The Hugging Face Qwen2 / Dream tensor layout. */
    static TensorMap tensors(boolean tied) {
        String layer = "model.layers." + TensorMap.LAYER + ".";
        return TensorMap.builder()
                .put(TensorRole.EMBEDDING, "model.embed_tokens.weight")
                .put(TensorRole.FINAL_NORM, "model.norm.weight")
                .put(TensorRole.LM_HEAD, tied ? "model.embed_tokens.weight" : "lm_head.weight")
                .put(TensorRole.ATTENTION_NORM, layer + "input_layernorm.weight")
                .put(TensorRole.Q, layer + "self_attn.q_proj.weight")
                .put(TensorRole.Q_BIAS, layer + "self_attn.q_proj.bias")
                .put(TensorRole.K, layer + "self_attn.k_proj.weight")
                .put(TensorRole.K_BIAS, layer + "self_attn.k_proj.bias")
                .put(TensorRole.V, layer + "self_attn.v_proj.weight")
                .put(TensorRole.V_BIAS, layer + "self_attn.v_proj.bias")
                .put(TensorRole.O, layer + "self_attn.o_proj.weight")
                .put(TensorRole.MLP_NORM, layer + "post_attention_layernorm.weight")
                .put(TensorRole.GATE, layer + "mlp.gate_proj.weight")
                .put(TensorRole.UP, layer + "mlp.up_proj.weight")
                .put(TensorRole.DOWN, layer + "mlp.down_proj.weight")
                .build();
    }

    private static SpecialTokens specialTokens(Checkpoint checkpoint, JsonConfig config, Optional<JsonConfig> generation,
                                               int vocabSize) {
        Map<String, Integer> added = SpecialTokens.declaredAddedTokens(checkpoint);
        OptionalInt mask = SpecialTokens.firstPresent(config.optionalInt("mask_token_id"),
                generation.map(g -> g.optionalInt("mask_token_id")).orElse(OptionalInt.empty()),
                SpecialTokens.idOf(added, MASK_TOKEN));
        if (mask.isEmpty()) {
            throw new CheckpointException(config.file(), "mask_token_id",
                    "no mask token: config.json has no mask_token_id and the tokenizer has no " + MASK_TOKEN);
        }
        OptionalInt eos = SpecialTokens.firstPresent(config.optionalInt("eos_token_id"),
                generation.map(g -> g.optionalInt("eos_token_id")).orElse(OptionalInt.empty()),
                SpecialTokens.idOf(added, "<|endoftext|>"));
        if (eos.isEmpty()) {
            throw new CheckpointException(config.file(), "eos_token_id", "no end-of-text token id in config.json or generation_config.json");
        }
        int pad = SpecialTokens.firstPresent(config.optionalInt("pad_token_id"),
                generation.map(g -> g.optionalInt("pad_token_id")).orElse(OptionalInt.empty())).orElse(eos.getAsInt());
        OptionalInt bos = SpecialTokens.firstPresent(config.optionalInt("bos_token_id"),
                generation.map(g -> g.optionalInt("bos_token_id")).orElse(OptionalInt.empty()));
        OptionalInt expand = SpecialTokens.firstPresent(config.optionalInt("expand_token_id"), SpecialTokens.idOf(added, EXPAND_TOKEN));
        SpecialTokens.checkIds(config.file(), vocabSize, Map.of("mask_token_id", mask, "eos_token_id", eos,
                "pad_token_id", OptionalInt.of(pad), "bos_token_id", bos, "expand_token_id", expand));
        return new SpecialTokens(mask.getAsInt(), eos.getAsInt(), pad, bos, expand, eos.getAsInt());
    }

    /**
     * {@code generation_config.json} over the reference's own defaults. Dream's README calls {@code diffusion_generate}
     * without a generation config, so the settings come from the model's {@code GenerationConfig}: Dream's
     * {@code DreamGenerationConfig} defaults ({@code steps 512}, {@code alg "origin"}, {@code eps 1e-3},
     * {@code temperature 0}) plus transformers' legacy {@code top_k = 50}, which {@code GenerationConfig} sets whenever a
     * file or the caller leaves it out (transformers 4.46.2, the version Dream pins, as later ones) and which Dream's
     * {@code sample_tokens} applies even at temperature 0, where it changes the confidences.
     */
    private static GenerationDefaults defaults(JsonConfig config, Optional<JsonConfig> generation) {
        Optional<JsonConfig> g = generation;
        OptionalDouble penalty = firstDouble(g.map(x -> x.optionalDouble("pad_penalty")).orElse(OptionalDouble.empty()),
                g.map(x -> x.optionalDouble("eos_penalty")).orElse(OptionalDouble.empty()),
                config.optionalDouble("pad_penalty"), config.optionalDouble("eos_penalty"));
        return new GenerationDefaults(
                g.map(x -> x.optionalInt("max_new_tokens")).orElse(OptionalInt.empty()),
                g.map(x -> x.optionalInt("max_length")).orElse(OptionalInt.empty()),
                OptionalInt.of(g.map(x -> x.optionalInt("steps")).orElse(OptionalInt.empty()).orElse(REFERENCE_STEPS)),
                Optional.of(g.flatMap(x -> x.optionalString("alg")).orElse(REFERENCE_ALG)),
                OptionalDouble.of(g.map(x -> x.optionalDouble("temperature")).orElse(OptionalDouble.empty()).orElse(0.0)),
                g.map(x -> x.optionalDouble("top_p")).orElse(OptionalDouble.empty()),
                OptionalInt.of(g.map(x -> x.optionalInt("top_k")).orElse(OptionalInt.empty()).orElse(LEGACY_TOP_K)),
                g.map(x -> x.optionalDouble("alg_temp")).orElse(OptionalDouble.empty()),
                OptionalDouble.of(g.map(x -> x.optionalDouble("eps")).orElse(OptionalDouble.empty()).orElse(REFERENCE_EPS)),
                penalty);
    }

    private static OptionalDouble firstDouble(OptionalDouble... candidates) {
        for (OptionalDouble c : candidates) {
            if (c.isPresent()) {
                return c;
            }
        }
        return OptionalDouble.empty();
    }
}
