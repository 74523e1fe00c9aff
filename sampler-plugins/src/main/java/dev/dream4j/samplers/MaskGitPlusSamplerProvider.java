package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;

/** Dream's {@code maskgit_plus} sampler: commits the slots whose chosen token is most probable. */
public final class MaskGitPlusSamplerProvider implements SamplerProvider {

    @Override
    public String name() {
        return "maskgit_plus";
    }

    @Override
    public String description() {
        return "Dream maskgit_plus: commits the slots whose chosen token is most probable";
    }

    @Override
    public Sampler create(SamplingParams params) {
        return new ConfidenceSampler(Confidence.MASKGIT_PLUS, params);
    }
}
