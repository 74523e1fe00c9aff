package dev.dream4j.spi.model;

/**
 * Where a family keeps each weight. The per-layer names are {@code layerPrefix + layer + "." + suffix}, with the
 * Qwen2 suffixes below.
 */
public record WeightNames(String embedTokens, String finalNorm, String lmHead, String layerPrefix) {

    public static final String INPUT_NORM = "input_layernorm.weight";
    public static final String POST_ATTENTION_NORM = "post_attention_layernorm.weight";
    public static final String Q_WEIGHT = "self_attn.q_proj.weight";
    public static final String Q_BIAS = "self_attn.q_proj.bias";
    public static final String K_WEIGHT = "self_attn.k_proj.weight";
    public static final String K_BIAS = "self_attn.k_proj.bias";
    public static final String V_WEIGHT = "self_attn.v_proj.weight";
    public static final String V_BIAS = "self_attn.v_proj.bias";
    public static final String O_WEIGHT = "self_attn.o_proj.weight";
    public static final String GATE_WEIGHT = "mlp.gate_proj.weight";
    public static final String UP_WEIGHT = "mlp.up_proj.weight";
    public static final String DOWN_WEIGHT = "mlp.down_proj.weight";

    /** The Hugging Face Qwen2 / Dream layout. */
    public static WeightNames qwen2(boolean tiedEmbeddings) {
        return new WeightNames("model.embed_tokens.weight", "model.norm.weight",
                tiedEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight", "model.layers.");
    }

    public String layer(int layer, String suffix) {
        return layerPrefix + layer + "." + suffix;
    }
}
