package dev.dream4j.kernel.plugin;

import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.backend.ExporterProvider;
import dev.dream4j.spi.infill.InfillStrategyProvider;
import dev.dream4j.spi.model.ModelFamily;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.tokenizer.TokenizerProvider;

/** The services the kernel discovers, with the user-facing word for each. */
public enum PluginKind {
    BACKEND("backend", BackendProvider.class),
    SAMPLER("sampler", SamplerProvider.class),
    LOGITS_PROCESSOR("logits-processor", LogitsProcessorProvider.class),
    TOKENIZER("tokenizer", TokenizerProvider.class),
    MODEL_FAMILY("model-family", ModelFamily.class),
    INFILL("infill-strategy", InfillStrategyProvider.class),
    EXPORTER("exporter", ExporterProvider.class);

    private final String label;
    private final Class<?> service;

    PluginKind(String label, Class<?> service) {
        this.label = label;
        this.service = service;
    }

    public String label() {
        return label;
    }

    public Class<?> service() {
        return service;
    }
}
