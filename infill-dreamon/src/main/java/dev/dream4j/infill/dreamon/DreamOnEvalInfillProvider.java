package dev.dream4j.infill.dreamon;

import dev.dream4j.spi.infill.InfillStrategy;
import dev.dream4j.spi.infill.InfillStrategyProvider;
import dev.dream4j.spi.model.ModelDescription;

import java.util.Optional;

/**
 * {@code dreamon-eval}: DreamOn's published evaluation loop ({@code eval/generator.py}): fixed {@code steps} with
 * early exit, one token per step, delete padding on, expand before delete, budget {@code max_new_tokens}. For
 * reproducing the repository's evaluation runs; select it by name.
 */
public final class DreamOnEvalInfillProvider implements InfillStrategyProvider {

    @Override
    public String name() {
        return "dreamon-eval";
    }

    @Override
    public int priority() {
        return 5;
    }

    @Override
    public String description() {
        return "DreamOn infilling as the published evaluation runs it (steps-bounded, one token per step)";
    }

    /** True iff the checkpoint has an {@code <|expand|>} token. */
    @Override
    public boolean supports(ModelDescription model) {
        return model.tokens().expand().isPresent();
    }

    @Override
    public InfillStrategy create() {
        return new DreamOnStrategy(DreamOnStrategy.Variant.EVAL, name());
    }

    /** The checkpoint's sampler when it ranks by confidence, else {@code entropy} (DreamOn has no {@code origin}). */
    @Override
    public Optional<String> defaultSampler(ModelDescription model) {
        return Steps.defaultSampler(model);
    }
}
