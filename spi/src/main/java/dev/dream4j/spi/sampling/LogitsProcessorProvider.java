package dev.dream4j.spi.sampling;

import dev.dream4j.api.OptionSpec;
import dev.dream4j.spi.Plugin;

import java.util.List;
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

    /**
     * The settings of its own this processor takes: a request sets them by name ({@code option(name, value)},
     * {@code --option name=value}, JSON {@code "options"}), the kernel checks and types them against this list, fills
     * the defaults, and hands them over in {@link SamplingParams#options()}; {@code dream4j plugins} documents them. A
     * name no selected plug-in declares is refused. Must be cheap and constant (listing calls it). Default: none.
     *
     * @since SPI 2.2
     */
    default List<OptionSpec> options() {
        return List.of();
    }
}
