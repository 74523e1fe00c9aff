package dev.dream4j.samplers;

import dev.dream4j.conformance.SamplerConformance;
import dev.dream4j.spi.sampling.SamplerProvider;

/** The shared sampler conformance suite for {@link RandomSamplerProvider} (LLaDA's schedule, not Dream's: S2 off). */
class RandomConformanceTest extends SamplerConformance {

    @Override
    protected SamplerProvider provider() {
        return new RandomSamplerProvider();
    }

    @Override
    protected boolean choosesPositionsAtRandom() {
        return true;
    }
}
