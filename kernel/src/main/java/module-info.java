/** The microkernel: plug-in registry, checkpoint reading, denoising engine, and the Dream4j entry point. */
module dev.dream4j.kernel {
    requires transitive dev.dream4j.spi;
    requires transitive dev.dream4j.tokenizer;
    requires transitive dev.dream4j.checkpoint;
    requires org.slf4j;

    exports dev.dream4j;
    exports dev.dream4j.kernel.plugin;
    exports dev.dream4j.kernel.engine;
    exports dev.dream4j.kernel.batch;

    uses dev.dream4j.spi.backend.BackendProvider;
    uses dev.dream4j.spi.backend.ExporterProvider;
    uses dev.dream4j.spi.sampling.SamplerProvider;
    uses dev.dream4j.spi.sampling.LogitsProcessorProvider;
    uses dev.dream4j.spi.model.ModelFamily;
    uses dev.dream4j.spi.infill.InfillStrategyProvider;
    uses dev.dream4j.tokenizer.TokenizerProvider;
}
