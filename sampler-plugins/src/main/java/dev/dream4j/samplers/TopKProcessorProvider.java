package dev.dream4j.samplers;

import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.SamplingParams;

import java.util.Optional;

/**
 * Top-k filter as in Dream: {@code k = min(k, V)}, logits below the k-th largest become {@code -Float.MAX_VALUE};
 * ties at the threshold are kept, so more than k tokens may survive. Inactive when top_k is absent or not positive
 * (the reference fails on 0; 0 conventionally means "off").
 */
public final class TopKProcessorProvider implements LogitsProcessorProvider {

    @Override
    public String name() {
        return "top-k";
    }

    @Override
    public String description() {
        return "keeps the k most likely tokens (ties at the threshold kept)";
    }

    @Override
    public int order() {
        return 400;
    }

    @Override
    public Optional<LogitsProcessor> create(SamplingParams params, ModelDescription model) {
        if (params.topK().isEmpty() || params.topK().getAsInt() <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Processors.TopK(params.topK().getAsInt()));
    }
}
