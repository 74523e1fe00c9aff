package dev.dream4j.infill.dreamon;

import dev.dream4j.spi.infill.InfillStrategy;
import dev.dream4j.spi.infill.InfillStrategyProvider;
import dev.dream4j.spi.model.ModelDescription;

import java.util.Optional;

/** {@code fixed}: fixed-length infilling, {@code m0} masks committed by confidence; runs on every checkpoint. */
public final class FixedInfillProvider implements InfillStrategyProvider {

    @Override
    public String name() {
        return "fixed";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public String description() {
        return "fixed-length infilling: the initial masks are filled by confidence, no expand or delete";
    }

    @Override
    public boolean supports(ModelDescription model) {
        return true;
    }

    @Override
    public InfillStrategy create() {
        return new FixedInfillStrategy();
    }

    /** The checkpoint's sampler when it ranks by confidence, else {@code entropy} (DreamOn has no {@code origin}). */
    @Override
    public Optional<String> defaultSampler(ModelDescription model) {
        return Steps.defaultSampler(model);
    }
}
