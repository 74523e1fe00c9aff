package dev.dream4j.spi.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Special token ids of a checkpoint, read from its files, never hard-coded.
 *
 * @param mask   the token a canvas is filled with
 * @param eos    end of text; generation output is cut at its first occurrence
 * @param pad    padding (Dream: equal to eos)
 * @param bos    beginning of text, when the checkpoint has one
 * @param expand DreamOn's {@code <|expand|>}, when the checkpoint has one
 * @param delete DreamOn's delete token (the released code uses the eos id)
 */
public record SpecialTokens(int mask, int eos, int pad, OptionalInt bos, OptionalInt expand, int delete) {

    /** Name to id, for display and for the api's {@code ModelInfo}. */
    public Map<String, Integer> asMap() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("mask", mask);
        m.put("eos", eos);
        m.put("pad", pad);
        bos.ifPresent(b -> m.put("bos", b));
        expand.ifPresent(e -> m.put("expand", e));
        m.put("delete", delete);
        return m;
    }

    /**
     * Added tokens by content, as a checkpoint declares them: {@code tokenizer_config.json}'s
     * {@code added_tokens_decoder}, then {@code tokenizer.json}'s {@code added_tokens} (no tokenizer parsing needed).
     * Families read special ids from here when {@code config.json} does not name them.
     */
    public static Map<String, Integer> declaredAddedTokens(Checkpoint checkpoint) {
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
            if (list instanceof java.util.List<?> l) {
                for (Object o : l) {
                    if (o instanceof Map<?, ?> m && m.get("content") instanceof String c && m.get("id") instanceof Number id) {
                        out.putIfAbsent(c, id.intValue());
                    }
                }
            }
        });
        return out;
    }

    /** The id of added token {@code content} in a map from {@link #declaredAddedTokens}, if declared. */
    public static OptionalInt idOf(Map<String, Integer> added, String content) {
        Integer id = added.get(content);
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The first present candidate, else empty. */
    public static OptionalInt firstPresent(OptionalInt... candidates) {
        for (OptionalInt c : candidates) {
            if (c.isPresent()) {
                return c;
            }
        }
        return OptionalInt.empty();
    }

    /**
     * Checks that every present id lies in {@code [0, vocab)}.
     *
     * @throws dev.dream4j.api.CheckpointException naming the file and field otherwise
     */
    public static void checkIds(java.nio.file.Path file, int vocab, Map<String, OptionalInt> ids) {
        for (var e : ids.entrySet()) {
            if (e.getValue().isPresent() && (e.getValue().getAsInt() < 0 || e.getValue().getAsInt() >= vocab)) {
                throw new dev.dream4j.api.CheckpointException(file, e.getKey(),
                        "token id " + e.getValue().getAsInt() + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }
}
