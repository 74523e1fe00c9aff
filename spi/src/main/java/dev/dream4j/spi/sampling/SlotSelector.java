package dev.dream4j.spi.sampling;

import java.util.random.RandomGenerator;

/**
 * The position and token choice of a sampler for loops that set the number of commits themselves instead of following
 * Dream's schedule: infilling's {@code tokens_per_step} ({@code dream-semantics.md} §5). A sampler offers one through
 * {@link SamplerProvider#selector(SamplingParams)}, so generation and infilling choose slots with the same code; Dream's
 * confidence samplers use {@link ConfidenceSelector}.
 *
 * @since SPI 2.2
 */
@FunctionalInterface
public interface SlotSelector {

    /**
     * Commits {@code count} masked slots per batch row, all of a row's masked slots when it has no more. Receives the
     * logits after every {@link LogitsProcessor}; all randomness comes from {@code random}, drawn in a fixed order.
     *
     * @param count slots to commit per batch row, {@code >= 0}
     */
    StepDecision select(MaskedLogits logits, int count, RandomGenerator random);
}
