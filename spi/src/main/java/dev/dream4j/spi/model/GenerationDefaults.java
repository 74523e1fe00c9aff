package dev.dream4j.spi.model;

import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Sampling defaults a checkpoint declares ({@code generation_config.json}, or the family's own). Empty = not
 * declared; the engine then uses the reference defaults.
 */
public record GenerationDefaults(OptionalInt maxNewTokens, OptionalInt maxLength, OptionalInt steps,
                                 Optional<String> alg, OptionalDouble temperature, OptionalDouble topP,
                                 OptionalInt topK, OptionalDouble algTemp, OptionalDouble eps,
                                 OptionalDouble padPenalty) {

    public static GenerationDefaults none() {
        return new GenerationDefaults(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), Optional.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalInt.empty(), OptionalDouble.empty(),
                OptionalDouble.empty(), OptionalDouble.empty());
    }
}
