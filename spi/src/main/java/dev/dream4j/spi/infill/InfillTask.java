package dev.dream4j.spi.infill;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.SlotSelector;

import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Everything an infill strategy needs for one request.
 *
 * <p><b>Prompt layout.</b> {@code prefix} and {@code suffix} are the user's text encoded <em>without</em> special
 * tokens; they never contain bos or eos. The strategy builds the canvas {@code [bos] prefix [MASK × m0] suffix [eos]}
 * itself ({@code dream-semantics.md} §5): {@code [bos]} only when {@link dev.dream4j.spi.model.SpecialTokens#bos()} is
 * present, {@code [eos]} always, every id taken from {@code backend().model().tokens()}. Strategies validate what the
 * record does not (both parts empty, {@code initialMasks < 1}, {@code initialMasks > maxNewTokens}, a prompt longer
 * than {@link dev.dream4j.spi.model.ModelDescription#contextLength()}) and throw
 * {@link dev.dream4j.api.InvalidRequestException} naming the parameter.
 *
 * @param backend       runs forward passes
 * @param prefix        prefix ids, without bos (the strategy adds it)
 * @param suffix        suffix ids, without eos (the strategy adds it)
 * @param initialMasks  m0
 * @param maxNewTokens  the largest middle (variable-length strategies); fixed-length infilling keeps {@code m0}
 * @param tokensPerStep slots committed per iteration
 * @param expandBudget  expansions allowed (empty = 2 × the generation window)
 * @param padDeleteToRight turn every mask after a delete into a delete
 * @param sampler       the slot choice of the request's sampler plug-in ({@link
 *                      dev.dream4j.spi.sampling.SamplerProvider#selector}), called each iteration with
 *                      {@code tokensPerStep}: generation and infilling choose slots with the same code
 * @param params        sampling settings (the strategy reads {@code steps}; the temperature is the processors')
 * @param processors    logits processors in order
 * @param random        the request's random stream
 * @param listener      receives each iteration's canvas
 * @param decode        turns ids into text, for the result
 */
public record InfillTask(Backend backend, int[] prefix, int[] suffix, int initialMasks, int maxNewTokens,
                         int tokensPerStep, java.util.OptionalInt expandBudget, boolean padDeleteToRight,
                         SlotSelector sampler, SamplingParams params, List<LogitsProcessor> processors,
                         RandomGenerator random, DenoisingListener listener, Function<int[], String> decode) {
}
