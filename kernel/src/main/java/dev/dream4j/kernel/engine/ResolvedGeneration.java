package dev.dream4j.kernel.engine;

import dev.dream4j.spi.sampling.SamplingParams;

/**
 * A request with every default filled in: what the denoising loop actually runs.
 *
 * @param sampler        the sampler plug-in name
 * @param params         sampling settings
 * @param canvasLength   L, prompt (left-padded to the longest) plus new tokens
 * @param promptLength   the padded prompt length P
 * @param seed           the seed of the request's random stream
 */
public record ResolvedGeneration(String sampler, SamplingParams params, int canvasLength, int promptLength, long seed) {
}
