package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.ConfidenceSelector;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.SlotSelector;

import java.util.Optional;

/** Dream's {@code topk_margin} sampler: commits the slots with the widest top-1/top-2 probability margin. */
public final class TopKMarginSamplerProvider implements SamplerProvider {

    @Override
    public String name() {
        return "topk_margin";
    }

    @Override
    public String description() {
        return "Dream topk_margin: commits the slots with the widest top-1/top-2 probability margin";
    }

    @Override
    public Sampler create(SamplingParams params) {
        return new ConfidenceSampler(Confidence.TOPK_MARGIN, params);
    }

    /** Infilling commits {@code tokens_per_step} slots per iteration by the same confidence rule. */
    @Override
    public Optional<SlotSelector> selector(SamplingParams params) {
        return Optional.of(new ConfidenceSelector(Confidence.TOPK_MARGIN, params.algTemp()));
    }
}
