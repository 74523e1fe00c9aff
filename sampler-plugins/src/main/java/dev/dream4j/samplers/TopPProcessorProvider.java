package dev.dream4j.samplers;

import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.SamplingParams;

import java.util.Optional;

/**
 * Nucleus (top-p) filter as in Dream: the most probable token is always kept; dropped logits become
 * {@code -Float.MAX_VALUE}, the lowest finite float (torch's {@code finfo.min}). Inactive when top_p is absent or at
 * least 1.
 */
public final class TopPProcessorProvider implements LogitsProcessorProvider {

    @Override
    public String name() {
        return "top-p";
    }

    @Override
    public String description() {
        return "nucleus filter: keeps the smallest prefix of likely tokens whose mass exceeds top_p";
    }

    @Override
    public int order() {
        return 300;
    }

    @Override
    public Optional<LogitsProcessor> create(SamplingParams params, ModelDescription model) {
        if (params.topP().isEmpty() || params.topP().getAsDouble() >= 1.0) {
            return Optional.empty();
        }
        return Optional.of(new Processors.TopP((float) params.topP().getAsDouble()));
    }
}
