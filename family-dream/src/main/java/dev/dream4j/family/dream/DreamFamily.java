package dev.dream4j.family.dream;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.GenerationDefaults;
import dev.dream4j.spi.model.JsonConfig;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelFamily;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.SpecialTokens;
import dev.dream4j.spi.model.WeightNames;

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
        int headDim = config.optionalInt("head_dim").orElse(heads > 0 ? hidden / heads : 0);
        if (heads <= 0 || hidden % heads != 0 && !config.has("head_dim")) {
            throw new CheckpointException(config.file(), "num_attention_heads",
                    "hidden_size " + hidden + " is not divisible by num_attention_heads " + heads);
        }
        boolean tied = config.optionalBoolean("tie_word_embeddings").orElse(false);
        ModelSpec spec;
        try {
            spec = new ModelSpec(hidden, config.requireInt("intermediate_size"), config.requireInt("num_hidden_layers"),
                    heads, kvHeads, headDim, config.requireInt("vocab_size"),
                    config.optionalDouble("rope_theta").orElse(10000.0),
                    config.optionalDouble("rms_norm_eps").orElse(1e-6),
                    config.optionalInt("max_position_embeddings").orElse(32768), tied, true);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(config.file(), null, e.getMessage(), e);
        }
        config.optionalObject("rope_scaling").ifPresent(rs -> {
            throw new CheckpointException(config.file(), "rope_scaling",
                    "rope scaling is not supported by the Dream family (Dream checkpoints use none)");
        });
        Optional<JsonConfig> generation = checkpoint.json("generation_config.json");
        SpecialTokens tokens = specialTokens(checkpoint, config, generation, spec.vocabSize());
        return new ModelDescription(name(), spec, tokens, 1, WeightNames.qwen2(tied), defaults(config, generation),
                spec.maxPositionEmbeddings());
    }

    private static SpecialTokens specialTokens(Checkpoint checkpoint, JsonConfig config, Optional<JsonConfig> generation,
                                               int vocabSize) {
        Map<String, Integer> added = addedTokens(checkpoint);
        OptionalInt mask = firstOf(config.optionalInt("mask_token_id"),
                generation.map(g -> g.optionalInt("mask_token_id")).orElse(OptionalInt.empty()),
                lookup(added, MASK_TOKEN));
        if (mask.isEmpty()) {
            throw new CheckpointException(config.file(), "mask_token_id",
                    "no mask token: config.json has no mask_token_id and the tokenizer has no " + MASK_TOKEN);
        }
        OptionalInt eos = firstOf(config.optionalInt("eos_token_id"),
                generation.map(g -> g.optionalInt("eos_token_id")).orElse(OptionalInt.empty()),
                lookup(added, "<|endoftext|>"));
        if (eos.isEmpty()) {
            throw new CheckpointException(config.file(), "eos_token_id", "no end-of-text token id in config.json or generation_config.json");
        }
        int pad = firstOf(config.optionalInt("pad_token_id"),
                generation.map(g -> g.optionalInt("pad_token_id")).orElse(OptionalInt.empty())).orElse(eos.getAsInt());
        OptionalInt bos = firstOf(config.optionalInt("bos_token_id"),
                generation.map(g -> g.optionalInt("bos_token_id")).orElse(OptionalInt.empty()));
        OptionalInt expand = firstOf(config.optionalInt("expand_token_id"), lookup(added, EXPAND_TOKEN));
        for (var e : Map.of("mask_token_id", mask, "eos_token_id", eos, "pad_token_id", OptionalInt.of(pad),
                "bos_token_id", bos, "expand_token_id", expand).entrySet()) {
            if (e.getValue().isPresent() && (e.getValue().getAsInt() < 0 || e.getValue().getAsInt() >= vocabSize)) {
                throw new CheckpointException(config.file(), e.getKey(),
                        "token id " + e.getValue().getAsInt() + " is outside the vocabulary [0, " + vocabSize + ")");
            }
        }
        return new SpecialTokens(mask.getAsInt(), eos.getAsInt(), pad, bos, expand, eos.getAsInt());
    }

    /** Added tokens by content, from tokenizer_config.json's added_tokens_decoder (no tokenizer parsing needed). */
    private static Map<String, Integer> addedTokens(Checkpoint checkpoint) {
        Map<String, Integer> out = new java.util.HashMap<>();
        checkpoint.json("tokenizer_config.json").flatMap(t -> t.optionalObject("added_tokens_decoder")).ifPresent(dec -> {
            for (var e : dec.values().entrySet()) {
                if (e.getValue() instanceof Map<?, ?> m && m.get("content") instanceof String content) {
                    try {
                        out.put(content, Integer.parseInt(e.getKey()));
                    } catch (NumberFormatException ignored) {
                        // not an id key: not an added token entry
                    }
                }
            }
        });
        checkpoint.json("tokenizer.json").flatMap(t -> t.get("added_tokens")).ifPresent(list -> {
            if (list instanceof List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m && m.get("content") instanceof String c && m.get("id") instanceof Number id) {
                        out.putIfAbsent(c, id.intValue());
                    }
                }
            }
        });
        return out;
    }

    private static OptionalInt lookup(Map<String, Integer> added, String token) {
        Integer id = added.get(token);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    private static OptionalInt firstOf(OptionalInt... candidates) {
        for (OptionalInt c : candidates) {
            if (c.isPresent()) {
                return c;
            }
        }
        return OptionalInt.empty();
    }

    private static GenerationDefaults defaults(JsonConfig config, Optional<JsonConfig> generation) {
        if (generation.isEmpty()) {
            OptionalDouble penalty = firstDouble(config.optionalDouble("pad_penalty"), config.optionalDouble("eos_penalty"));
            return new GenerationDefaults(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(),
                    OptionalDouble.empty(), OptionalDouble.empty(), OptionalInt.empty(), OptionalDouble.empty(),
                    OptionalDouble.empty(), penalty);
        }
        JsonConfig g = generation.get();
        OptionalDouble penalty = firstDouble(g.optionalDouble("pad_penalty"), g.optionalDouble("eos_penalty"),
                config.optionalDouble("pad_penalty"), config.optionalDouble("eos_penalty"));
        return new GenerationDefaults(g.optionalInt("max_new_tokens"), g.optionalInt("max_length"), g.optionalInt("steps"),
                g.optionalString("alg"), g.optionalDouble("temperature"), g.optionalDouble("top_p"), g.optionalInt("top_k"),
                g.optionalDouble("alg_temp"), g.optionalDouble("eps"), penalty);
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
