package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;

/** Dream's {@code origin} sampler: each masked slot committed with probability 1 - s/t. */
public final class OriginSamplerProvider implements SamplerProvider {

    @Override
    public String name() {
        return "origin";
    }

    @Override
    public String description() {
        return "Dream origin: each masked slot committed with probability 1 - s/t";
    }

    /** {@code DreamGenerationConfig}'s default {@code alg}, so it wins when the request names none. */
    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Sampler create(SamplingParams params) {
        return new OriginSampler();
    }
}
