package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.ConfidenceSelector;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.SlotSelector;

import java.util.Optional;

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

    /** Infilling commits {@code tokens_per_step} slots per iteration by the same confidence rule. */
    @Override
    public Optional<SlotSelector> selector(SamplingParams params) {
        return Optional.of(new ConfidenceSelector(Confidence.MASKGIT_PLUS, params.algTemp()));
    }
}
