package dev.dream4j.samplers;

import dev.dream4j.conformance.SamplerConformance;
import dev.dream4j.spi.sampling.SamplerProvider;

/** The shared sampler conformance suite for {@link OriginSamplerProvider}. */
class OriginConformanceTest extends SamplerConformance {

    @Override
    protected SamplerProvider provider() {
        return new OriginSamplerProvider();
    }

    @Override
    protected boolean choosesPositionsAtRandom() {
        return true;
    }
}
