package dev.dream4j.api;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Fill the gap between a prefix and a suffix. Prefix and suffix are text or exact token ids.
 *
 * @param prefix        the text before the hole
 * @param suffix        the text after the hole
 * @param initialMasks  masks placed in the hole at the start (m0)
 * @param maxNewTokens  the largest the middle may grow to (DreamOn); fixed-length infilling uses initialMasks
 * @param strategy      the infill strategy plug-in (empty = the family's default)
 */
public record InfillRequest(Prompt prefix, Prompt suffix, int initialMasks, int maxNewTokens,
                            Optional<String> strategy, Optional<String> sampler, OptionalDouble temperature,
                            OptionalDouble topP, OptionalInt topK, OptionalDouble algTemp, OptionalLong seed,
                            OptionalInt tokensPerStep, OptionalInt expandBudget, boolean padDeleteToRight) {

    public InfillRequest {
        if (initialMasks < 1) {
            throw new InvalidRequestException("initial_masks", "initial_masks must be >= 1, got " + initialMasks);
        }
        if (maxNewTokens < initialMasks) {
            throw new InvalidRequestException("max_new_tokens",
                    "max_new_tokens (" + maxNewTokens + ") must be >= initial_masks (" + initialMasks + ")");
        }
        if (temperature.isPresent() && !(temperature.getAsDouble() >= 0)) {
            throw new InvalidRequestException("temperature", "temperature must be >= 0");
        }
        if (topP.isPresent() && !(topP.getAsDouble() > 0 && topP.getAsDouble() <= 1)) {
            throw new InvalidRequestException("top_p", "top_p must be in (0, 1]");
        }
        if (tokensPerStep.isPresent() && tokensPerStep.getAsInt() < 1) {
            throw new InvalidRequestException("tokens_per_step", "tokens_per_step must be >= 1");
        }
    }

    public static InfillRequest of(String prefix, String suffix, int initialMasks, int maxNewTokens) {
        return new InfillRequest(Prompt.text(prefix), Prompt.text(suffix), initialMasks, maxNewTokens,
                Optional.empty(), Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                OptionalInt.empty(), OptionalDouble.empty(), OptionalLong.empty(), OptionalInt.empty(),
                OptionalInt.empty(), false);
    }

}
