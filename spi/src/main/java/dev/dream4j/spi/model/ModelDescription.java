package dev.dream4j.spi.model;

import java.util.Objects;

/**
 * Everything a family tells the engine and the backends about a checkpoint.
 *
 * @param family     the family plug-in's name
 * @param spec       the architecture's shape
 * @param tokens     special ids
 * @param logitShift how many positions predictions are shifted: 1 for Dream (position j is predicted from row j-1)
 * @param weights    tensor names
 * @param defaults   sampling defaults
 * @param contextLength the longest canvas the engine accepts (prompt + new tokens)
 */
public record ModelDescription(String family, ModelSpec spec, SpecialTokens tokens, int logitShift,
                               WeightNames weights, GenerationDefaults defaults, int contextLength) {
    public ModelDescription {
        Objects.requireNonNull(family);
        Objects.requireNonNull(spec);
        Objects.requireNonNull(tokens);
        Objects.requireNonNull(weights);
        Objects.requireNonNull(defaults);
        if (logitShift < 0 || logitShift > 1) {
            throw new IllegalArgumentException("logitShift must be 0 or 1, got " + logitShift);
        }
    }
}
