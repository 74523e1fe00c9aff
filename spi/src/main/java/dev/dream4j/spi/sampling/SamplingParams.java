package dev.dream4j.spi.sampling;

import dev.dream4j.api.Dream4jException;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Resolved sampling settings of one request (request values, else checkpoint defaults, else reference defaults).
 *
 * @param temperature read only by its one owner: the temperature logits processor (0 marks the logits
 *                    {@link MaskedLogits#greedy() greedy}: argmax, no random draw), or a sampler that
 *                    {@link SamplerProvider#appliesTemperature() applies it itself}
 * @param topP        nucleus filter, when set and below 1
 * @param topK        top-k filter, when set
 * @param algTemp     0 means deterministic top-k selection of positions
 * @param eps         last value of the time schedule
 * @param padPenalty  Dream-Coder's annealed pad/eos penalty, 0 = off
 * @param steps       denoising steps
 * @param options     the plug-in options ({@link dev.dream4j.api.OptionSpec}) the selected sampler and the logits
 *                    processors declare, typed ({@link Boolean}, {@link Long}, {@link Double}, {@link String}) and
 *                    range-checked, every declared option present (its default when the request set none)
 * @since SPI 2.2 for {@code options}
 */
public record SamplingParams(double temperature, OptionalDouble topP, OptionalInt topK, double algTemp, double eps,
                             double padPenalty, int steps, Map<String, Object> options) {

    public SamplingParams {
        options = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(options, "options")));
    }

    /** Settings without plug-in options (the signature before SPI 2.2). */
    public SamplingParams(double temperature, OptionalDouble topP, OptionalInt topK, double algTemp, double eps,
                          double padPenalty, int steps) {
        this(temperature, topP, topK, algTemp, eps, padPenalty, steps, Map.of());
    }

    /** These settings with another temperature. */
    public SamplingParams withTemperature(double t) {
        return new SamplingParams(t, topP, topK, algTemp, eps, padPenalty, steps, options);
    }

    /** These settings with {@code options} (typed values, as the kernel resolves them) instead of the current ones. */
    public SamplingParams withOptions(Map<String, Object> options) {
        return new SamplingParams(temperature, topP, topK, algTemp, eps, padPenalty, steps, options);
    }

    /**
     * The resolved value of option {@code name}: a {@link Boolean}, {@link Long}, {@link Double} or {@link String}.
     *
     * @throws Dream4jException when the option is not among the resolved ones (the plug-in did not declare it)
     */
    public Object option(String name) {
        Object v = options.get(name);
        if (v == null) {
            throw new Dream4jException("option '" + name + "' is not among the resolved options " + options.keySet()
                    + "; a plug-in reads only the options it declares in options()");
        }
        return v;
    }

    /** A number option's value (an integer option's too). */
    public double doubleOption(String name) {
        return switch (option(name)) {
            case Number n -> n.doubleValue();
            case Object o -> throw wrongType(name, "number", o);
        };
    }

    /** An integer option's value; it must fit an {@code int} (declare the range so). */
    public int intOption(String name) {
        return Math.toIntExact(longOption(name));
    }

    /** An integer option's value. */
    public long longOption(String name) {
        return switch (option(name)) {
            case Long l -> l;
            case Integer i -> i;
            case Object o -> throw wrongType(name, "integer", o);
        };
    }

    /** A boolean option's value. */
    public boolean booleanOption(String name) {
        return switch (option(name)) {
            case Boolean b -> b;
            case Object o -> throw wrongType(name, "boolean", o);
        };
    }

    /** A string option's value. */
    public String stringOption(String name) {
        return switch (option(name)) {
            case String s -> s;
            case Object o -> throw wrongType(name, "string", o);
        };
    }

    private static Dream4jException wrongType(String name, String asked, Object value) {
        return new Dream4jException("option '" + name + "' was read as a " + asked + " but holds "
                + value.getClass().getSimpleName() + " " + value + "; read it with the accessor of its declared type");
    }
}
