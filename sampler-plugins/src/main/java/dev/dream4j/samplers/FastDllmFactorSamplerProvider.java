package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.BlockDecoding;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;

import java.util.OptionalInt;

/**
 * Fast-dLLM's factor rule as a block sampler ({@code --sampler fast-dllm-factor}); see {@link FastDllmSampler}.
 * Default block length {@value BlockDecoding#DEFAULT_BLOCK_LENGTH}.
 */
public final class FastDllmFactorSamplerProvider implements SamplerProvider {

    @Override
    public String name() {
        return "fast-dllm-factor";
    }

    @Override
    public String description() {
        return "Fast-dLLM factor rule: per block step, commits the top n slots while the n-th confidence >= 1 - f/(n+1) (default f = 1)";
    }

    @Override
    public Sampler create(SamplingParams params) {
        return create(params, BlockDecoding.defaults());
    }

    @Override
    public Sampler create(SamplingParams params, BlockDecoding block) {
        return new FastDllmSampler(FastDllmSampler.Rule.FACTOR, block.threshold(), block.factor());
    }

    @Override
    public OptionalInt defaultBlockLength() {
        return OptionalInt.of(BlockDecoding.DEFAULT_BLOCK_LENGTH);
    }

}
