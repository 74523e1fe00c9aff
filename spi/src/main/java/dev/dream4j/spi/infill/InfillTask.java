package dev.dream4j.spi.infill;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.SamplingParams;

import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Everything an infill strategy needs for one request.
 *
 * @param backend       runs forward passes
 * @param prefix        prefix ids (bos included when the family uses one)
 * @param suffix        suffix ids (eos included when the family uses one)
 * @param initialMasks  m0
 * @param maxNewTokens  the largest middle
 * @param tokensPerStep slots committed per iteration
 * @param expandBudget  expansions allowed (empty = 2 × the generation window)
 * @param padDeleteToRight turn every mask after a delete into a delete
 * @param confidence    the confidence algorithm name ({@code entropy}, {@code maskgit_plus}, {@code topk_margin})
 * @param params        sampling settings
 * @param processors    logits processors in order
 * @param random        the request's random stream
 * @param listener      receives each iteration's canvas
 * @param decode        turns ids into text, for the result
 */
public record InfillTask(Backend backend, int[] prefix, int[] suffix, int initialMasks, int maxNewTokens,
                         int tokensPerStep, java.util.OptionalInt expandBudget, boolean padDeleteToRight,
                         String confidence, SamplingParams params, List<LogitsProcessor> processors,
                         RandomGenerator random, DenoisingListener listener, Function<int[], String> decode) {
}
