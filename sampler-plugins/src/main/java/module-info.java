/** Dream's and LLaDA's samplers and the logits processors. */
module dev.dream4j.samplers {
    requires dev.dream4j.spi;

    provides dev.dream4j.spi.sampling.SamplerProvider with
            dev.dream4j.samplers.EntropySamplerProvider,
            dev.dream4j.samplers.MaskGitPlusSamplerProvider,
            dev.dream4j.samplers.TopKMarginSamplerProvider,
            dev.dream4j.samplers.OriginSamplerProvider,
            dev.dream4j.samplers.FastDllmThresholdSamplerProvider,
            dev.dream4j.samplers.FastDllmFactorSamplerProvider,
            dev.dream4j.samplers.LowConfidenceSamplerProvider,
            dev.dream4j.samplers.RandomSamplerProvider;
    provides dev.dream4j.spi.sampling.LogitsProcessorProvider with
            dev.dream4j.samplers.PadPenaltyProcessorProvider,
            dev.dream4j.samplers.TemperatureProcessorProvider,
            dev.dream4j.samplers.TopPProcessorProvider,
            dev.dream4j.samplers.TopKProcessorProvider;
}
