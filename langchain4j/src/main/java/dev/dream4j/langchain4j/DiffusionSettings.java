package dev.dream4j.langchain4j;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.GenerationRequest;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The diffusion settings a LangChain4j model applies to every call; a setting left empty takes the checkpoint's
 * default ({@code generation_config.json}). LangChain4j's own per-request parameters (maximum output tokens,
 * temperature, top-p, top-k) win over these when a request sets them. Immutable: {@link #toBuilder()} makes a
 * changed copy. Values are validated by {@link GenerationRequest} when a request is built from them, so a bad value
 * fails with the same {@code InvalidRequestException} as anywhere else; {@link Builder#build()} checks that early.
 *
 * @param maxNewTokens masked positions appended to the prompt (the answer's length budget)
 * @param steps        denoising steps (forward passes) of the whole canvas
 * @param sampler      sampler plug-in name ({@code entropy}, {@code fast-dllm-threshold}, ...)
 * @param blockLength  semi-autoregressive block decoding in blocks of this many slots
 * @param cache        approximate key/value cache of block decoding
 * @param threshold    confidence threshold of {@code fast-dllm-threshold}
 * @param factor       factor of {@code fast-dllm-factor}
 * @param temperature  0 is greedy
 * @param topP         nucleus filter
 * @param topK         top-k filter
 * @param algTemp      positions drawn from softmax(confidence / algTemp) when positive
 * @param padPenalty   Dream-Coder's annealed pad/eos penalty
 * @param seed         the seed of every call's random stream (calls with the same settings then repeat)
 */
public record DiffusionSettings(OptionalInt maxNewTokens, OptionalInt steps, Optional<String> sampler,
                                OptionalInt blockLength, Optional<CacheMode> cache, OptionalDouble threshold,
                                OptionalDouble factor, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
                                OptionalDouble algTemp, OptionalDouble padPenalty, OptionalLong seed) {

    /** Every setting from the checkpoint. */
    public static final DiffusionSettings DEFAULTS = builder().build();

    public DiffusionSettings {
        Objects.requireNonNull(maxNewTokens, "maxNewTokens");
        Objects.requireNonNull(steps, "steps");
        Objects.requireNonNull(sampler, "sampler");
        Objects.requireNonNull(blockLength, "blockLength");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(threshold, "threshold");
        Objects.requireNonNull(factor, "factor");
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(topP, "topP");
        Objects.requireNonNull(topK, "topK");
        Objects.requireNonNull(algTemp, "algTemp");
        Objects.requireNonNull(padPenalty, "padPenalty");
        Objects.requireNonNull(seed, "seed");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxNewTokens = maxNewTokens;
        b.steps = steps;
        b.sampler = sampler;
        b.blockLength = blockLength;
        b.cache = cache;
        b.threshold = threshold;
        b.factor = factor;
        b.temperature = temperature;
        b.topP = topP;
        b.topK = topK;
        b.algTemp = algTemp;
        b.padPenalty = padPenalty;
        b.seed = seed;
        return b;
    }

    /** Copies every present setting onto {@code request}. */
    public GenerationRequest.Builder applyTo(GenerationRequest.Builder request) {
        maxNewTokens.ifPresent(request::maxNewTokens);
        steps.ifPresent(request::steps);
        sampler.ifPresent(request::sampler);
        blockLength.ifPresent(request::blockLength);
        cache.ifPresent(request::cache);
        threshold.ifPresent(request::threshold);
        factor.ifPresent(request::factor);
        temperature.ifPresent(request::temperature);
        topP.ifPresent(request::topP);
        topK.ifPresent(request::topK);
        algTemp.ifPresent(request::algTemp);
        padPenalty.ifPresent(request::padPenalty);
        seed.ifPresent(request::seed);
        return request;
    }

    /** Collects settings; {@link #build()} validates them. */
    public static final class Builder {
        private OptionalInt maxNewTokens = OptionalInt.empty();
        private OptionalInt steps = OptionalInt.empty();
        private Optional<String> sampler = Optional.empty();
        private OptionalInt blockLength = OptionalInt.empty();
        private Optional<CacheMode> cache = Optional.empty();
        private OptionalDouble threshold = OptionalDouble.empty();
        private OptionalDouble factor = OptionalDouble.empty();
        private OptionalDouble temperature = OptionalDouble.empty();
        private OptionalDouble topP = OptionalDouble.empty();
        private OptionalInt topK = OptionalInt.empty();
        private OptionalDouble algTemp = OptionalDouble.empty();
        private OptionalDouble padPenalty = OptionalDouble.empty();
        private OptionalLong seed = OptionalLong.empty();

        private Builder() {
        }

        public Builder maxNewTokens(int n) {
            maxNewTokens = OptionalInt.of(n);
            return this;
        }

        public Builder steps(int n) {
            steps = OptionalInt.of(n);
            return this;
        }

        public Builder sampler(String name) {
            sampler = Optional.of(name);
            return this;
        }

        public Builder blockLength(int n) {
            blockLength = OptionalInt.of(n);
            return this;
        }

        public Builder cache(CacheMode mode) {
            cache = Optional.of(mode);
            return this;
        }

        public Builder threshold(double tau) {
            threshold = OptionalDouble.of(tau);
            return this;
        }

        public Builder factor(double f) {
            factor = OptionalDouble.of(f);
            return this;
        }

        public Builder temperature(double t) {
            temperature = OptionalDouble.of(t);
            return this;
        }

        public Builder topP(double p) {
            topP = OptionalDouble.of(p);
            return this;
        }

        public Builder topK(int k) {
            topK = OptionalInt.of(k);
            return this;
        }

        public Builder algTemp(double a) {
            algTemp = OptionalDouble.of(a);
            return this;
        }

        public Builder padPenalty(double p) {
            padPenalty = OptionalDouble.of(p);
            return this;
        }

        public Builder seed(long s) {
            seed = OptionalLong.of(s);
            return this;
        }

        /**
         * The settings.
         *
         * @throws dev.dream4j.api.InvalidRequestException naming the first bad setting
         */
        public DiffusionSettings build() {
            DiffusionSettings s = new DiffusionSettings(maxNewTokens, steps, sampler, blockLength, cache, threshold,
                    factor, temperature, topP, topK, algTemp, padPenalty, seed);
            // Validates through the one place that knows the rules, with a placeholder prompt.
            s.applyTo(GenerationRequest.builder().prompt("")).build();
            return s;
        }
    }
}
