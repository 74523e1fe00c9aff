/**
 * The microkernel: plug-in registry, denoising loop and step scheduler behind the API's {@code Dream4j} entry point.
 * Exports nothing: applications reach it through {@link dev.dream4j.api.provider.Dream4jProvider}.
 */
module dev.dream4j.kernel {
    requires transitive dev.dream4j.api;
    requires dev.dream4j.spi;
    requires dev.dream4j.tokenizer;
    requires dev.dream4j.checkpoint;
    requires org.slf4j;

    provides dev.dream4j.api.provider.Dream4jProvider with dev.dream4j.kernel.KernelProvider;

    uses dev.dream4j.spi.backend.BackendProvider;
    uses dev.dream4j.spi.backend.ExporterProvider;
    uses dev.dream4j.spi.sampling.SamplerProvider;
    uses dev.dream4j.spi.sampling.LogitsProcessorProvider;
    uses dev.dream4j.spi.model.ModelFamily;
    uses dev.dream4j.spi.infill.InfillStrategyProvider;
    uses dev.dream4j.tokenizer.TokenizerProvider;
}
