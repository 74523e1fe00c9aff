package dev.dream4j.api;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Fill the gap between a prefix and a suffix. Prefix and suffix are text or exact token ids.
 *
 * <p>The defaults of every unset field live here ({@code DEFAULT_*} and the builder), and the CLI ({@code dream4j
 * infill --help}) and the server ({@code POST /v1/infill}) read them from here; the expand budget's default is the
 * strategy's (DreamOn: twice the generation window; its evaluation loop: {@code max_new_tokens}).
 *
 * @param prefix        the text before the hole
 * @param suffix        the text after the hole
 * @param initialMasks  masks placed in the hole at the start (m0)
 * @param maxNewTokens  the largest the middle may grow to (DreamOn); fixed-length infilling uses initialMasks
 * @param strategy      the infill strategy plug-in (empty = the first that supports the checkpoint)
 * @param sampler       the sampler plug-in that chooses the slots each iteration commits, as for generation (Dream's
 *                      {@code entropy}, {@code maskgit_plus}, {@code topk_margin}; not {@code origin}, which commits
 *                      at random); empty = the strategy's default (DreamOn: the checkpoint's when it can infill, else
 *                      {@code entropy})
 * @param temperature   empty = the checkpoint's, else {@link #DEFAULT_TEMPERATURE}
 * @param tokensPerStep empty = {@link #DEFAULT_TOKENS_PER_STEP}
 * @param expandBudget  empty = the strategy's default
 * @param steps         the iteration limit of strategies with a fixed step count (the published-eval variant);
 *                      empty = {@code maxNewTokens}
 */
public record InfillRequest(Prompt prefix, Prompt suffix, int initialMasks, int maxNewTokens,
                            Optional<String> strategy, Optional<String> sampler, OptionalDouble temperature,
                            OptionalDouble topP, OptionalInt topK, OptionalDouble algTemp, OptionalLong seed,
                            OptionalInt tokensPerStep, OptionalInt expandBudget, boolean padDeleteToRight,
                            OptionalInt steps) {

    /**
     * m0 when the caller sets none: the DreamOn quickstart's hole. The CLI ({@code --initial-masks}) and the server
     * ({@code initial_masks}) default to this same value.
     */
    public static final int DEFAULT_INITIAL_MASKS = 4;

    /**
     * The largest middle when the caller sets none, raised to the initial masks when they are more
     * ({@link #defaultMaxNewTokens(int)}).
     */
    public static final int DEFAULT_MAX_NEW_TOKENS = 64;

    /** Slots committed per iteration when the caller sets none (DreamOn's default). */
    public static final int DEFAULT_TOKENS_PER_STEP = 1;

    /** The temperature when neither the caller nor the checkpoint sets one: greedy. */
    public static final double DEFAULT_TEMPERATURE = 0.0;

    /** The largest middle when the caller sets none: {@code max(initialMasks, DEFAULT_MAX_NEW_TOKENS)}. */
    public static int defaultMaxNewTokens(int initialMasks) {
        return Math.max(initialMasks, DEFAULT_MAX_NEW_TOKENS);
    }

    /** Without a step limit. */
    public InfillRequest(Prompt prefix, Prompt suffix, int initialMasks, int maxNewTokens, Optional<String> strategy,
                         Optional<String> sampler, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
                         OptionalDouble algTemp, OptionalLong seed, OptionalInt tokensPerStep, OptionalInt expandBudget,
                         boolean padDeleteToRight) {
        this(prefix, suffix, initialMasks, maxNewTokens, strategy, sampler, temperature, topP, topK, algTemp, seed,
                tokensPerStep, expandBudget, padDeleteToRight, OptionalInt.empty());
    }

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
        if (expandBudget.isPresent() && expandBudget.getAsInt() < 0) {
            throw new InvalidRequestException("expand_budget", "expand_budget must be >= 0");
        }
        if (steps.isPresent() && steps.getAsInt() < 1) {
            throw new InvalidRequestException("steps", "steps must be >= 1");
        }
        if (sampler.isPresent() && sampler.get().isBlank()) {
            throw new InvalidRequestException("sampler", "sampler must not be blank");
        }
        if (algTemp.isPresent() && !(algTemp.getAsDouble() >= 0)) {
            throw new InvalidRequestException("alg_temp", "alg_temp must be >= 0");
        }
    }

    public static InfillRequest of(String prefix, String suffix, int initialMasks, int maxNewTokens) {
        return builder(Prompt.text(prefix), Prompt.text(suffix)).initialMasks(initialMasks).maxNewTokens(maxNewTokens).build();
    }

    /**
     * A builder with {@link #DEFAULT_INITIAL_MASKS} and, unless set, {@link #defaultMaxNewTokens(int)} (the DreamOn
     * quickstart).
     */
    public static Builder builder(Prompt prefix, Prompt suffix) {
        return new Builder(prefix, suffix);
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private final Prompt prefix;
        private final Prompt suffix;
        private int initialMasks = DEFAULT_INITIAL_MASKS;
        private OptionalInt maxNewTokens = OptionalInt.empty();
        private Optional<String> strategy = Optional.empty();
        private Optional<String> sampler = Optional.empty();
        private OptionalDouble temperature = OptionalDouble.empty();
        private OptionalDouble topP = OptionalDouble.empty();
        private OptionalInt topK = OptionalInt.empty();
        private OptionalDouble algTemp = OptionalDouble.empty();
        private OptionalLong seed = OptionalLong.empty();
        private OptionalInt tokensPerStep = OptionalInt.empty();
        private OptionalInt expandBudget = OptionalInt.empty();
        private boolean padDeleteToRight;
        private OptionalInt steps = OptionalInt.empty();

        private Builder(Prompt prefix, Prompt suffix) {
            this.prefix = prefix;
            this.suffix = suffix;
        }

        public Builder initialMasks(int n) { initialMasks = n; return this; }
        public Builder maxNewTokens(int n) { maxNewTokens = OptionalInt.of(n); return this; }
        public Builder strategy(String name) { strategy = Optional.ofNullable(name); return this; }
        public Builder sampler(String name) { sampler = Optional.ofNullable(name); return this; }
        public Builder temperature(double t) { temperature = OptionalDouble.of(t); return this; }
        public Builder topP(double p) { topP = OptionalDouble.of(p); return this; }
        public Builder topK(int k) { topK = OptionalInt.of(k); return this; }
        public Builder algTemp(double a) { algTemp = OptionalDouble.of(a); return this; }
        public Builder seed(long s) { seed = OptionalLong.of(s); return this; }
        public Builder tokensPerStep(int n) { tokensPerStep = OptionalInt.of(n); return this; }
        public Builder expandBudget(int n) { expandBudget = OptionalInt.of(n); return this; }
        public Builder padDeleteToRight(boolean b) { padDeleteToRight = b; return this; }
        public Builder steps(int n) { steps = OptionalInt.of(n); return this; }

        public InfillRequest build() {
            return new InfillRequest(prefix, suffix, initialMasks, maxNewTokens.orElse(defaultMaxNewTokens(initialMasks)),
                    strategy, sampler, temperature, topP,
                    topK, algTemp, seed, tokensPerStep, expandBudget, padDeleteToRight, steps);
        }
    }

}
