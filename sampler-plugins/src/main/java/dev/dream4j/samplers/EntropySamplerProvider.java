package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.ConfidenceSelector;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.SlotSelector;

import java.util.Optional;

/** Dream's {@code entropy} sampler: commits the slots with the lowest entropy first. */
public final class EntropySamplerProvider implements SamplerProvider {

    @Override
    public String name() {
        return "entropy";
    }

    @Override
    public String description() {
        return "Dream entropy: commits the slots with the lowest entropy first";
    }

    @Override
    public Sampler create(SamplingParams params) {
        return new ConfidenceSampler(Confidence.ENTROPY, params);
    }

    /** Infilling commits {@code tokens_per_step} slots per iteration by the same confidence rule. */
    @Override
    public Optional<SlotSelector> selector(SamplingParams params) {
        return Optional.of(new ConfidenceSelector(Confidence.ENTROPY, params.algTemp()));
    }
}
