package dev.dream4j.kernel.engine;

import dev.dream4j.spi.sampling.SamplingParams;

import java.util.Optional;

/**
 * A request with every default filled in: what the denoising loop actually runs.
 *
 * @param sampler        the sampler plug-in name
 * @param params         sampling settings
 * @param canvasLength   L, prompt (left-padded to the longest) plus new tokens
 * @param promptLength   the padded prompt length P
 * @param seed           the seed of the request's random stream
 * @param block          present when the request runs block decoding; empty: reference decoding, the
 *                       one-block, no-cache case of the same loop ({@link DenoisingEngine})
 * @param cfgScale       classifier-free guidance scale, 0 = off ({@link Guidance})
 */
public record ResolvedGeneration(String sampler, SamplingParams params, int canvasLength, int promptLength, long seed,
                                 Optional<BlockSettings> block, double cfgScale) {

    /** Reference (non-block) decoding without guidance. */
    public ResolvedGeneration(String sampler, SamplingParams params, int canvasLength, int promptLength, long seed) {
        this(sampler, params, canvasLength, promptLength, seed, Optional.empty(), 0.0);
    }

    public ResolvedGeneration withBlock(BlockSettings settings) {
        return new ResolvedGeneration(sampler, params, canvasLength, promptLength, seed, Optional.of(settings), cfgScale);
    }

    public ResolvedGeneration withParams(SamplingParams settings) {
        return new ResolvedGeneration(sampler, settings, canvasLength, promptLength, seed, block, cfgScale);
    }

    public ResolvedGeneration withCfgScale(double scale) {
        return new ResolvedGeneration(sampler, params, canvasLength, promptLength, seed, block, scale);
    }
}
