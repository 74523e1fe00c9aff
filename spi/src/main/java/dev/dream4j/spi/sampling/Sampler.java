package dev.dream4j.spi.sampling;

import java.util.random.RandomGenerator;

/**
 * One denoising step's choice: which masked slots to commit, with which tokens. Receives logits after every
 * {@link LogitsProcessor} ran (temperature, top-p, top-k, penalties). All randomness must come from {@code random}
 * (the request's own stream), drawn in a fixed order, so a seed reproduces the output on any thread count.
 */
public interface Sampler {

    StepDecision step(StepContext context, MaskedLogits logits, RandomGenerator random);
}
