package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.BlockDecoding;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;

import java.util.OptionalInt;

/**
 * Fast-dLLM's threshold rule as a block sampler ({@code --sampler fast-dllm-threshold}); see {@link FastDllmSampler}.
 * Default block length {@value BlockDecoding#DEFAULT_BLOCK_LENGTH}.
 */
public final class FastDllmThresholdSamplerProvider implements SamplerProvider {

    @Override
    public String name() {
        return "fast-dllm-threshold";
    }

    @Override
    public String description() {
        return "Fast-dLLM threshold rule: per block step, commits the most confident slot and every slot with confidence >= tau (default 0.9)";
    }

    @Override
    public Sampler create(SamplingParams params) {
        return create(params, BlockDecoding.defaults());
    }

    @Override
    public Sampler create(SamplingParams params, BlockDecoding block) {
        return new FastDllmSampler(FastDllmSampler.Rule.THRESHOLD, block.threshold(), block.factor());
    }

    @Override
    public OptionalInt defaultBlockLength() {
        return OptionalInt.of(BlockDecoding.DEFAULT_BLOCK_LENGTH);
    }

}
