package dev.dream4j.samplers;

import dev.dream4j.conformance.SamplerConformance;
import dev.dream4j.spi.sampling.SamplerProvider;

/** The shared sampler conformance suite for {@link MaskGitPlusSamplerProvider}. */
class MaskGitPlusConformanceTest extends SamplerConformance {

    @Override
    protected SamplerProvider provider() {
        return new MaskGitPlusSamplerProvider();
    }

    @Override
    protected boolean followsDreamSchedule() {
        return true;
    }
}
