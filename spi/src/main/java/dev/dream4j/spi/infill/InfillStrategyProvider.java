package dev.dream4j.spi.infill;

import dev.dream4j.spi.Plugin;
import dev.dream4j.spi.model.ModelDescription;

import java.util.Optional;

/** Makes infill strategies (DreamOn expand/delete, fixed-length masks). */
public interface InfillStrategyProvider extends Plugin {

    /** Whether the strategy can run on this model (DreamOn needs an expand token). */
    boolean supports(ModelDescription model);

    InfillStrategy create();

    /**
     * The sampler whose {@link dev.dream4j.spi.sampling.SamplerProvider#selector slot choice} infills when the request
     * names none. The strategy decides, since the checkpoint's default sampler may be one that cannot infill (DreamOn
     * checkpoints default to {@code origin}, which its reference refuses). The default is the checkpoint's sampler.
     *
     * @since SPI 2.2
     */
    default Optional<String> defaultSampler(ModelDescription model) {
        return model.defaults().alg();
    }
}
