package dev.dream4j.api;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One generation: one prompt or a batch of prompts (left-padded together), and the denoising settings. Every
 * setting left empty takes the checkpoint's default ({@code generation_config.json}), then the reference default of
 * {@code dream-semantics.md} §3. Build with {@link #builder()}; instances are immutable.
 *
 * @param prompts             one or more prompts; more than one runs as a left-padded batch
 * @param maxNewTokens        masked positions appended to each prompt; wins over {@code maxLength}
 * @param maxLength           total canvas length (prompt plus new tokens), used when {@code maxNewTokens} is empty
 * @param steps               denoising steps (forward passes)
 * @param sampler             the sampler plug-in name ({@code origin}, {@code maskgit_plus}, {@code topk_margin},
 *                            {@code entropy}, or a third-party name)
 * @param temperature         0 is greedy (argmax, no random draw)
 * @param topP                nucleus filter in (0, 1]
 * @param topK                top-k filter; 0 = none (overrides a family default such as Dream's legacy 50)
 * @param algTemp             when positive, positions are drawn from softmax(confidence / algTemp) instead of top-k
 * @param eps                 the schedule's last time value: {@code linspace(1, eps, steps + 1)}
 * @param padPenalty          Dream-Coder's annealed penalty on the pad/eos logit; 0 disables it
 * @param seed                the seed of this request's random stream
 * @param numReturnSequences  samples per prompt
 * @param blockLength         semi-autoregressive block decoding (Fast-dLLM): the canvas's new positions are decoded
 *                            in blocks of this many slots, left to right; empty = no blocks, unless a block sampler
 *                            ({@code fast-dllm-threshold}, {@code fast-dllm-factor}: 32) or a cache asks for them
 * @param cache               approximate key/value cache of block decoding ({@link CacheMode}); empty = none
 * @param threshold           confidence threshold τ of {@code fast-dllm-threshold}, in (0, 1] (default 0.9)
 * @param factor              factor f of {@code fast-dllm-factor}, positive (default 1.0)
 * @param hooks               the reference's tokens and logits hooks (every decoding mode, see {@link GenerationHooks})
 * @param earlyStop           block decoding only: once a block is fully decoded and holds end-of-text in a row, the
 *                            rest of that row is filled with end-of-text; decoding ends when every row stopped.
 *                            Empty = on for the block samplers, off otherwise
 * @param cfgScale            classifier-free guidance (LLaDA's {@code cfg_scale}): each step also runs the canvas with
 *                            the prompt masked, and the logits become {@code u + (s + 1)(c - u)}; empty or 0 = off
 * @param options             settings of the selected sampler and logits processors, by the names they declare
 *                            ({@link OptionSpec}); raw values (a {@link String} as typed on a command line, a
 *                            {@link Number}, a {@link Boolean}), typed and checked against the declarations when the
 *                            request meets a model; an option no selected plug-in declares is an error there
 */
public record GenerationRequest(List<Prompt> prompts, OptionalInt maxNewTokens, OptionalInt maxLength,
                                OptionalInt steps, Optional<String> sampler, OptionalDouble temperature,
                                OptionalDouble topP, OptionalInt topK, OptionalDouble algTemp, OptionalDouble eps,
                                OptionalDouble padPenalty, OptionalLong seed, int numReturnSequences,
                                OptionalInt blockLength, Optional<CacheMode> cache, OptionalDouble threshold,
                                OptionalDouble factor, Optional<Boolean> earlyStop, GenerationHooks hooks,
                                OptionalDouble cfgScale, Map<String, Object> options) {

    /** A request without plug-in options (the signature before {@link OptionSpec} existed). */
    public GenerationRequest(List<Prompt> prompts, OptionalInt maxNewTokens, OptionalInt maxLength, OptionalInt steps,
                             Optional<String> sampler, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
                             OptionalDouble algTemp, OptionalDouble eps, OptionalDouble padPenalty, OptionalLong seed,
                             int numReturnSequences, OptionalInt blockLength, Optional<CacheMode> cache,
                             OptionalDouble threshold, OptionalDouble factor, Optional<Boolean> earlyStop,
                             GenerationHooks hooks, OptionalDouble cfgScale) {
        this(prompts, maxNewTokens, maxLength, steps, sampler, temperature, topP, topK, algTemp, eps, padPenalty, seed,
                numReturnSequences, blockLength, cache, threshold, factor, earlyStop, hooks, cfgScale, Map.of());
    }

    /** A request without guidance. */
    public GenerationRequest(List<Prompt> prompts, OptionalInt maxNewTokens, OptionalInt maxLength, OptionalInt steps,
                             Optional<String> sampler, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
                             OptionalDouble algTemp, OptionalDouble eps, OptionalDouble padPenalty, OptionalLong seed,
                             int numReturnSequences, OptionalInt blockLength, Optional<CacheMode> cache,
                             OptionalDouble threshold, OptionalDouble factor, Optional<Boolean> earlyStop,
                             GenerationHooks hooks) {
        this(prompts, maxNewTokens, maxLength, steps, sampler, temperature, topP, topK, algTemp, eps, padPenalty, seed,
                numReturnSequences, blockLength, cache, threshold, factor, earlyStop, hooks, OptionalDouble.empty());
    }

    /** A request without hooks. */
    public GenerationRequest(List<Prompt> prompts, OptionalInt maxNewTokens, OptionalInt maxLength, OptionalInt steps,
                             Optional<String> sampler, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
                             OptionalDouble algTemp, OptionalDouble eps, OptionalDouble padPenalty, OptionalLong seed,
                             int numReturnSequences, OptionalInt blockLength, Optional<CacheMode> cache,
                             OptionalDouble threshold, OptionalDouble factor, Optional<Boolean> earlyStop) {
        this(prompts, maxNewTokens, maxLength, steps, sampler, temperature, topP, topK, algTemp, eps, padPenalty, seed,
                numReturnSequences, blockLength, cache, threshold, factor, earlyStop, GenerationHooks.NONE);
    }

    /** A request without block-decoding settings (the signature before block decoding existed). */
    public GenerationRequest(List<Prompt> prompts, OptionalInt maxNewTokens, OptionalInt maxLength, OptionalInt steps,
                             Optional<String> sampler, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
                             OptionalDouble algTemp, OptionalDouble eps, OptionalDouble padPenalty, OptionalLong seed,
                             int numReturnSequences) {
        this(prompts, maxNewTokens, maxLength, steps, sampler, temperature, topP, topK, algTemp, eps, padPenalty, seed,
                numReturnSequences, OptionalInt.empty(), Optional.empty(), OptionalDouble.empty(), OptionalDouble.empty(),
                Optional.empty(), GenerationHooks.NONE);
    }

    public GenerationRequest {
        Objects.requireNonNull(hooks, "hooks");
        prompts = List.copyOf(prompts);
        if (prompts.isEmpty()) {
            throw new InvalidRequestException("prompt", "a generation needs at least one prompt");
        }
        Objects.requireNonNull(sampler, "sampler");
        positive("max_new_tokens", maxNewTokens);
        positive("max_length", maxLength);
        positive("steps", steps);
        if (topK.isPresent() && topK.getAsInt() < 0) {
            throw new InvalidRequestException("top_k", "top_k must be >= 0 (0 = no top-k filter), got " + topK.getAsInt());
        }
        Objects.requireNonNull(cfgScale, "cfgScale");
        if (cfgScale.isPresent() && !(cfgScale.getAsDouble() >= 0 && Double.isFinite(cfgScale.getAsDouble()))) {
            throw new InvalidRequestException("cfg_scale", "cfg_scale must be a finite number >= 0, got " + cfgScale.getAsDouble());
        }
        if (temperature.isPresent() && !(temperature.getAsDouble() >= 0 && Double.isFinite(temperature.getAsDouble()))) {
            throw new InvalidRequestException("temperature", "temperature must be a finite number >= 0, got " + temperature.getAsDouble());
        }
        if (topP.isPresent() && !(topP.getAsDouble() > 0 && topP.getAsDouble() <= 1)) {
            throw new InvalidRequestException("top_p", "top_p must be in (0, 1], got " + topP.getAsDouble());
        }
        if (algTemp.isPresent() && !(algTemp.getAsDouble() >= 0 && Double.isFinite(algTemp.getAsDouble()))) {
            throw new InvalidRequestException("alg_temp", "alg_temp must be a finite number >= 0, got " + algTemp.getAsDouble());
        }
        if (eps.isPresent() && !(eps.getAsDouble() > 0 && eps.getAsDouble() < 1)) {
            throw new InvalidRequestException("eps", "eps must be in (0, 1), got " + eps.getAsDouble());
        }
        if (padPenalty.isPresent() && !(padPenalty.getAsDouble() >= 0 && Double.isFinite(padPenalty.getAsDouble()))) {
            throw new InvalidRequestException("pad_penalty", "pad_penalty must be a finite number >= 0, got " + padPenalty.getAsDouble());
        }
        if (sampler.isPresent() && sampler.get().isBlank()) {
            throw new InvalidRequestException("sampler", "sampler name must not be blank");
        }
        if (numReturnSequences < 1) {
            throw new InvalidRequestException("num_return_sequences", "num_return_sequences must be >= 1, got " + numReturnSequences);
        }
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(earlyStop, "earlyStop");
        positive("block_length", blockLength);
        if (threshold.isPresent() && !(threshold.getAsDouble() > 0 && threshold.getAsDouble() <= 1)) {
            throw new InvalidRequestException("threshold", "threshold must be in (0, 1], got " + threshold.getAsDouble());
        }
        if (factor.isPresent() && !(factor.getAsDouble() > 0 && Double.isFinite(factor.getAsDouble()))) {
            throw new InvalidRequestException("factor", "factor must be a finite number > 0, got " + factor.getAsDouble());
        }
        options = copyOptions(options);
    }

    /** A sorted, immutable copy (errors then name the first bad option the same way on every run). */
    private static Map<String, Object> copyOptions(Map<String, Object> options) {
        Objects.requireNonNull(options, "options");
        TreeMap<String, Object> copy = new TreeMap<>();
        options.forEach((name, value) -> {
            if (name == null || name.isBlank()) {
                throw new InvalidRequestException("options", "an option needs a name");
            }
            if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
                throw new InvalidRequestException("options." + name, "option '" + name
                        + "' must be a string, a number or a boolean, got " + (value == null ? "null" : value.getClass().getSimpleName()));
            }
            copy.put(name, value);
        });
        return Collections.unmodifiableSortedMap(copy);
    }

    private static void positive(String name, OptionalInt value) {
        if (value.isPresent() && value.getAsInt() < 1) {
            throw new InvalidRequestException(name, name + " must be >= 1, got " + value.getAsInt());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder pre-filled with this request's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.prompts = prompts;
        b.maxNewTokens = maxNewTokens;
        b.maxLength = maxLength;
        b.steps = steps;
        b.sampler = sampler;
        b.temperature = temperature;
        b.topP = topP;
        b.topK = topK;
        b.algTemp = algTemp;
        b.eps = eps;
        b.padPenalty = padPenalty;
        b.seed = seed;
        b.numReturnSequences = numReturnSequences;
        b.blockLength = blockLength;
        b.cache = cache;
        b.threshold = threshold;
        b.factor = factor;
        b.earlyStop = earlyStop;
        b.hooks = hooks;
        b.cfgScale = cfgScale;
        b.options.putAll(options);
        return b;
    }

    /** Collects settings; {@link #build()} validates them and names the first bad parameter. */
    public static final class Builder {
        private GenerationHooks hooks = GenerationHooks.NONE;
        private OptionalDouble cfgScale = OptionalDouble.empty();
        private List<Prompt> prompts = List.of();
        private OptionalInt maxNewTokens = OptionalInt.empty();
        private OptionalInt maxLength = OptionalInt.empty();
        private OptionalInt steps = OptionalInt.empty();
        private Optional<String> sampler = Optional.empty();
        private OptionalDouble temperature = OptionalDouble.empty();
        private OptionalDouble topP = OptionalDouble.empty();
        private OptionalInt topK = OptionalInt.empty();
        private OptionalDouble algTemp = OptionalDouble.empty();
        private OptionalDouble eps = OptionalDouble.empty();
        private OptionalDouble padPenalty = OptionalDouble.empty();
        private OptionalLong seed = OptionalLong.empty();
        private int numReturnSequences = 1;
        private OptionalInt blockLength = OptionalInt.empty();
        private Optional<CacheMode> cache = Optional.empty();
        private OptionalDouble threshold = OptionalDouble.empty();
        private OptionalDouble factor = OptionalDouble.empty();
        private Optional<Boolean> earlyStop = Optional.empty();
        private final Map<String, Object> options = new TreeMap<>();

        private Builder() {
        }

        public Builder prompt(String text) {
            return prompt(Prompt.text(text));
        }

        public Builder prompt(Prompt prompt) {
            this.prompts = List.of(prompt);
            return this;
        }

        public Builder prompts(List<Prompt> prompts) {
            this.prompts = List.copyOf(prompts);
            return this;
        }

        public Builder chat(List<ChatMessage> messages) {
            return prompt(Prompt.chat(messages));
        }

        public Builder promptIds(List<Integer> ids) {
            return prompt(Prompt.tokens(ids));
        }

        public Builder maxNewTokens(int n) {
            this.maxNewTokens = OptionalInt.of(n);
            return this;
        }

        public Builder maxLength(int n) {
            this.maxLength = OptionalInt.of(n);
            return this;
        }

        public Builder steps(int n) {
            this.steps = OptionalInt.of(n);
            return this;
        }

        public Builder sampler(String name) {
            this.sampler = Optional.ofNullable(name);
            return this;
        }

        public Builder temperature(double t) {
            this.temperature = OptionalDouble.of(t);
            return this;
        }

        public Builder topP(double p) {
            this.topP = OptionalDouble.of(p);
            return this;
        }

        public Builder topK(int k) {
            this.topK = OptionalInt.of(k);
            return this;
        }

        public Builder algTemp(double a) {
            this.algTemp = OptionalDouble.of(a);
            return this;
        }

        public Builder eps(double e) {
            this.eps = OptionalDouble.of(e);
            return this;
        }

        public Builder padPenalty(double p) {
            this.padPenalty = OptionalDouble.of(p);
            return this;
        }

        public Builder seed(long s) {
            this.seed = OptionalLong.of(s);
            return this;
        }

        public Builder numReturnSequences(int n) {
            this.numReturnSequences = n;
            return this;
        }

        /** Block decoding with blocks of {@code n} slots. */
        public Builder blockLength(int n) {
            this.blockLength = OptionalInt.of(n);
            return this;
        }

        /** The key/value cache mode of block decoding; {@code null} clears it. */
        public Builder cache(CacheMode mode) {
            this.cache = Optional.ofNullable(mode);
            return this;
        }

        /** τ of {@code fast-dllm-threshold}. */
        public Builder threshold(double tau) {
            this.threshold = OptionalDouble.of(tau);
            return this;
        }

        /** f of {@code fast-dllm-factor}. */
        public Builder factor(double f) {
            this.factor = OptionalDouble.of(f);
            return this;
        }

        /** Early stop on end-of-text (block decoding). */
        /** Classifier-free guidance scale (0 = off). */
        public Builder cfgScale(double scale) {
            this.cfgScale = OptionalDouble.of(scale);
            return this;
        }

        public Builder earlyStop(boolean on) {
            this.earlyStop = Optional.of(on);
            return this;
        }

        /** The reference's tokens hook: called before the first step and after every step. */
        public Builder tokensHook(GenerationHooks.TokensHook hook) {
            this.hooks = new GenerationHooks(Optional.ofNullable(hook), hooks.logits());
            return this;
        }

        /** The reference's logits hook: called every step before the logits processors and the sampler. */
        public Builder logitsHook(GenerationHooks.LogitsHook hook) {
            this.hooks = new GenerationHooks(hooks.tokens(), Optional.ofNullable(hook));
            return this;
        }

        /**
         * A setting of the selected sampler or of a logits processor, by the name the plug-in declares
         * ({@link OptionSpec}): a {@link String} (as typed on a command line), a {@link Number} or a {@link Boolean}.
         * {@code null} removes it. Checked against the declarations when the request meets a model.
         */
        public Builder option(String name, Object value) {
            Objects.requireNonNull(name, "name");
            if (value == null) {
                options.remove(name);
            } else {
                options.put(name, value);
            }
            return this;
        }

        /** {@link #option} for each entry. */
        public Builder options(Map<String, ?> values) {
            values.forEach(this::option);
            return this;
        }

        public GenerationRequest build() {
            return new GenerationRequest(prompts, maxNewTokens, maxLength, steps, sampler, temperature, topP, topK,
                    algTemp, eps, padPenalty, seed, numReturnSequences, blockLength, cache, threshold, factor, earlyStop,
                    hooks, cfgScale, options);
        }
    }
}
