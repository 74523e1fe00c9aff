package dev.dream4j.spi.sampling;

import dev.dream4j.spi.Plugin;
import dev.dream4j.spi.model.ModelDescription;

import java.util.Optional;

/**
 * Makes a logits processor for a request, or none when the request does not ask for it (for example no top-p).
 * Processors run in ascending {@link #order()}; the reference order is pad penalty (100), temperature (200),
 * top-p (300), top-k (400).
 */
public interface LogitsProcessorProvider extends Plugin {

    int order();

    Optional<LogitsProcessor> create(SamplingParams params, ModelDescription model);
}
