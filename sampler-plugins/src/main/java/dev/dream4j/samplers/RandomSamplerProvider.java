package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;

/** LLaDA's {@code random} remasking ({@link RemaskingSampler}); the LLaDA family's default is {@code low_confidence}. */
public final class RandomSamplerProvider implements SamplerProvider {

    @Override
    public String name() {
        return "random";
    }

    @Override
    public String description() {
        return "LLaDA random remasking: commits uniformly drawn positions, an even share of each block's masks per step";
    }

    @Override
    public Sampler create(SamplingParams params) {
        return new RemaskingSampler(RemaskingSampler.Remasking.RANDOM, params);
    }

    /** Temperature is LLaDA's Gumbel noise exponent, not a logits divisor. */
    @Override
    public boolean appliesTemperature() {
        return true;
    }
}
