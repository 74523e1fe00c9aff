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
 * @param block          present when the request runs block decoding ({@link BlockDenoisingEngine})
 */
public record ResolvedGeneration(String sampler, SamplingParams params, int canvasLength, int promptLength, long seed,
                                 Optional<BlockSettings> block) {

    /** Reference (non-block) decoding. */
    public ResolvedGeneration(String sampler, SamplingParams params, int canvasLength, int promptLength, long seed) {
        this(sampler, params, canvasLength, promptLength, seed, Optional.empty());
    }

    public ResolvedGeneration withBlock(BlockSettings settings) {
        return new ResolvedGeneration(sampler, params, canvasLength, promptLength, seed, Optional.of(settings));
    }
}
