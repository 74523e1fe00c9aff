package dev.dream4j.spi.sampling;

import dev.dream4j.api.OptionSpec;
import dev.dream4j.spi.Plugin;

import java.util.List;
import java.util.Optional;

import java.util.OptionalInt;

/**
 * Makes samplers; selected by {@link #name()} ({@code --sampler NAME}).
 *
 * <p><b>Block samplers</b> (SPI 1.1, additive): a provider whose {@link #defaultBlockLength()} is present is a block
 * sampler (Fast-dLLM's threshold and factor rules). Requests naming it run semi-autoregressive block decoding: the
 * engine hands the sampler only the masked slots of the current block, each step, until the block is decoded; the
 * sampler must commit at least one slot per batch row that has masks in the block (the schedule in
 * {@link StepContext#info()} is then only informative). Any other sampler can also run in block mode when the request
 * sets a block length; the engine then gives it, per block, Dream's schedule over that block's share of the steps
 * with the block's mask count ({@link StepContext#maskCounts()} counts the block's masks only).
 */
public interface SamplerProvider extends Plugin {

    /** A sampler for one request. */
    Sampler create(SamplingParams params);

    /**
     * A sampler for one request in block decoding; block samplers override it to read τ or f. The default ignores
     * {@code block} and calls {@link #create(SamplingParams)}.
     *
     * @since SPI 1.1
     */
    default Sampler create(SamplingParams params, BlockDecoding block) {
        return create(params);
    }

    /**
     * Present for block samplers: the block length used when the request sets none. Empty (the default) for
     * step-schedule samplers.
     *
     * @since SPI 1.1
     */
    default OptionalInt defaultBlockLength() {
        return OptionalInt.empty();
    }

    /**
     * The sampler's slot choice for loops that set the number of commits themselves (infilling's
     * {@code tokens_per_step}), so a request names one sampler for generation and for infilling. Empty (the default)
     * for samplers that cannot commit a given number of slots: Dream's {@code origin} commits each slot at random by
     * the schedule and has no confidence to rank by (DreamOn's reference raises on it). Dream's confidence samplers
     * return a {@link ConfidenceSelector}.
     *
     * @since SPI 2.2
     */
    default Optional<SlotSelector> selector(SamplingParams params) {
        return Optional.empty();
    }

    /**
     * Whether the sampler applies the temperature itself (LLaDA's Gumbel-max noise {@code exp(l) / (-log u)^T}), so
     * the engine must not scale the logits by {@code 1/T} before it: the logits processors then see the neutral
     * temperature 1 and the sampler owns the temperature. The default, false, leaves the temperature to its one owner,
     * the temperature logits processor (Dream's {@code logits / T}; at 0 {@link MaskedLogits#makeGreedy()}).
     *
     * @since SPI 2.0
     */
    default boolean appliesTemperature() {
        return false;
    }

    /**
     * The settings of its own this sampler takes: a request sets them by name ({@code option(name, value)},
     * {@code --option name=value}, JSON {@code "options"}), the kernel checks and types them against this list, fills
     * the defaults, and hands them over in {@link SamplingParams#options()}; {@code dream4j plugins} documents them. A
     * name no selected plug-in declares is refused. Must be cheap and constant (listing calls it). Default: none.
     *
     * @since SPI 2.2
     */
    default List<OptionSpec> options() {
        return List.of();
    }
}
