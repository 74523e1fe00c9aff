package dev.dream4j.infill.dreamon;

import dev.dream4j.spi.infill.InfillStrategy;
import dev.dream4j.spi.infill.InfillStrategyProvider;
import dev.dream4j.spi.model.ModelDescription;

import java.util.Optional;

/**
 * {@code dreamon}: DreamOn's expand/delete infilling, the Hugging Face loop ({@code dream-semantics.md} §5). The
 * default for every checkpoint with an {@code <|expand|>} token.
 */
public final class DreamOnInfillProvider implements InfillStrategyProvider {

    @Override
    public String name() {
        return "dreamon";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String description() {
        return "DreamOn variable-length infilling (expand/delete), the Hugging Face generation loop";
    }

    /** True iff the checkpoint has an {@code <|expand|>} token. */
    @Override
    public boolean supports(ModelDescription model) {
        return model.tokens().expand().isPresent();
    }

    @Override
    public InfillStrategy create() {
        return new DreamOnStrategy(DreamOnStrategy.Variant.HF, name());
    }

    /** The checkpoint's sampler when it ranks by confidence, else {@code entropy} (DreamOn has no {@code origin}). */
    @Override
    public Optional<String> defaultSampler(ModelDescription model) {
        return Steps.defaultSampler(model);
    }
}
