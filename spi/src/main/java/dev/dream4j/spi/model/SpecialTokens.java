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
}
