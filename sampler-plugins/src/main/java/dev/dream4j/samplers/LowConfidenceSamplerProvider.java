package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;

/** LLaDA's {@code low_confidence} remasking ({@link RemaskingSampler}); the LLaDA family's default is {@code low_confidence}. */
public final class LowConfidenceSamplerProvider implements SamplerProvider {

    @Override
    public String name() {
        return "low_confidence";
    }

    @Override
    public String description() {
        return "LLaDA low_confidence remasking: commits the most probable predictions first, an even share of each block's masks per step";
    }

    @Override
    public Sampler create(SamplingParams params) {
        return new RemaskingSampler(RemaskingSampler.Remasking.LOW_CONFIDENCE, params);
    }

    /** Temperature is LLaDA's Gumbel noise exponent, not a logits divisor. */
    @Override
    public boolean appliesTemperature() {
        return true;
    }
}
