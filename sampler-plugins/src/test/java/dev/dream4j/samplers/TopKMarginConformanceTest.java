package dev.dream4j.samplers;

import dev.dream4j.conformance.SamplerConformance;
import dev.dream4j.spi.sampling.SamplerProvider;

/** The shared sampler conformance suite for {@link TopKMarginSamplerProvider}. */
class TopKMarginConformanceTest extends SamplerConformance {

    @Override
    protected SamplerProvider provider() {
        return new TopKMarginSamplerProvider();
    }

    @Override
    protected boolean followsDreamSchedule() {
        return true;
    }
}
