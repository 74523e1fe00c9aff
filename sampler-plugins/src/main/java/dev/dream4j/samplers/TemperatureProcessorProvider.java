package dev.dream4j.samplers;

import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.SamplingParams;

import java.util.Optional;

/**
 * Divides logits by the temperature (float32 division). Inactive at temperature 0 (greedy: the sampler takes the
 * argmax) and at exactly 1, where the division is the identity.
 */
public final class TemperatureProcessorProvider implements LogitsProcessorProvider {

    @Override
    public String name() {
        return "temperature";
    }

    @Override
    public String description() {
        return "divides logits by the sampling temperature";
    }

    @Override
    public int order() {
        return 200;
    }

    @Override
    public Optional<LogitsProcessor> create(SamplingParams params, ModelDescription model) {
        float t = (float) params.temperature();
        if (!(t > 0) || t == 1.0f) {
            return Optional.empty();
        }
        return Optional.of(new Processors.Temperature(t));
    }
}
