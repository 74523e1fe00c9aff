package dev.dream4j.samplers;

import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.SamplingParams;

import java.util.Optional;

/**
 * The one owner of the temperature (samplers never read it, unless they declare
 * {@link dev.dream4j.spi.sampling.SamplerProvider#appliesTemperature()}): above 0 it divides the logits (float32
 * division, Dream's {@code logits / T}); at 0 it marks them {@link dev.dream4j.spi.sampling.MaskedLogits#makeGreedy()
 * greedy} (argmax, no draw) and leaves the values, whose softmax Dream takes the confidence from. Inactive at exactly
 * 1, where the division is the identity. It owns the temperature rather than each sampler because it must run between
 * the pad penalty and top-p: the nucleus is taken from the tempered probabilities.
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
        if (params.temperature() <= 0) {
            return Optional.of(Processors.Greedy.INSTANCE);
        }
        float t = (float) params.temperature();
        if (!(t > 0) || t == 1.0f) {
            return Optional.empty(); // below float32's smallest value the division is skipped, as it always was
        }
        return Optional.of(new Processors.Temperature(t));
    }
}
