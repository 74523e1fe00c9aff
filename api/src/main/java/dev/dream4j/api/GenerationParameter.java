package dev.dream4j.api;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One built-in field of a {@link GenerationRequest} as the command line ({@code --top-p}) and the server's JSON
 * ({@code "top_p"}) set it: its name, type and range, description, and how it sets a builder. {@link #ALL} is the one
 * table both validate against, so a bad value gets the same message wherever it came from, and {@code dream4j --help}
 * documents the same ranges the server enforces. Plug-ins' own settings are {@link OptionSpec}s instead.
 *
 * @param name        the request's snake_case spelling ({@code top_p}); the CLI flag is {@code --top-p}
 * @param type        what values are allowed
 * @param description one line: what it does and what happens when it is not set
 * @param setter      sets the typed value ({@link Boolean}, {@link Long}, {@link Double} or {@link String}) on a builder
 */
public record GenerationParameter(String name, OptionSpec.Type type, String description, Setter setter) {

    /** Sets a value, already typed and range-checked, on a builder. */
    @FunctionalInterface
    public interface Setter {
        void set(GenerationRequest.Builder builder, Object value);
    }

    private static final double MAX = Double.MAX_VALUE;

    /** Every built-in field the CLI and the server set by name (prompts, hooks and options are set otherwise). */
    public static final List<GenerationParameter> ALL = List.of(
            string("sampler", "the sampler plug-in (Dream: origin, maskgit_plus, topk_margin, entropy; LLaDA: low_confidence,"
                    + " random; Fast-dLLM: fast-dllm-threshold, fast-dllm-factor; or a plug-in's name); default: the family's",
                    (b, v) -> b.sampler((String) v)),
            integer("max_new_tokens", 1, Integer.MAX_VALUE, "masked positions to fill after the prompt; default: the checkpoint's",
                    (b, v) -> b.maxNewTokens(toInt(v))),
            integer("steps", 1, Integer.MAX_VALUE, "denoising steps (forward passes); default: the checkpoint's, else one per new token",
                    (b, v) -> b.steps(toInt(v))),
            number("temperature", 0, MAX, false, false, "0 = greedy (argmax, no random draw); default: the checkpoint's, else 0",
                    (b, v) -> b.temperature((Double) v)),
            number("top_p", 0, 1, true, false, "nucleus filter; default: the checkpoint's, else none",
                    (b, v) -> b.topP((Double) v)),
            integer("top_k", 0, Integer.MAX_VALUE, "top-k filter, 0 = none; default: the checkpoint's, else the family's"
                    + " (Dream applies transformers' legacy 50, LLaDA none)", (b, v) -> b.topK(toInt(v))),
            number("alg_temp", 0, MAX, false, false, "when > 0, positions are drawn from softmax(confidence / alg_temp);"
                    + " default: the checkpoint's, else 0", (b, v) -> b.algTemp((Double) v)),
            number("eps", 0, 1, true, true, "the schedule's last time value, linspace(1, eps, steps + 1); default 1e-3",
                    (b, v) -> b.eps((Double) v)),
            number("pad_penalty", 0, MAX, false, false, "Dream-Coder's annealed penalty on the pad/eos logit; 0 = off (default)",
                    (b, v) -> b.padPenalty((Double) v)),
            integer("seed", Long.MIN_VALUE, Long.MAX_VALUE, "the seed of the request's random stream; default: a random one"
                    + " (reported in the result)", (b, v) -> b.seed((Long) v)),
            integer("num_return_sequences", 1, Integer.MAX_VALUE, "samples per prompt (default 1)",
                    (b, v) -> b.numReturnSequences(toInt(v))),
            integer("block_length", 1, Integer.MAX_VALUE, "semi-autoregressive block decoding (Fast-dLLM, LLaDA's block_length)"
                    + " in blocks of this many slots; default: 32 for the fast-dllm-* samplers, else no blocks",
                    (b, v) -> b.blockLength(toInt(v))),
            new GenerationParameter("cache", new OptionSpec.StringType(
                    java.util.Arrays.stream(CacheMode.values()).map(CacheMode::id).toList()),
                    "approximate key/value cache of block decoding, refreshed per block (turns block decoding on); default none",
                    (b, v) -> b.cache(CacheMode.parse((String) v))),
            number("threshold", 0, 1, true, false, "confidence threshold of fast-dllm-threshold (default 0.9)",
                    (b, v) -> b.threshold((Double) v)),
            number("factor", 0, MAX, true, false, "factor of fast-dllm-factor (default 1)", (b, v) -> b.factor((Double) v)),
            new GenerationParameter("early_stop", new OptionSpec.BooleanType(), "block decoding: once a decoded block holds"
                    + " end-of-text, fill the rest with end-of-text and stop; default: on for the fast-dllm-* samplers",
                    (b, v) -> b.earlyStop((Boolean) v)),
            number("cfg_scale", 0, MAX, false, false, "classifier-free guidance (LLaDA's cfg_scale): each step also runs the"
                    + " canvas with the prompt masked; logits = u + (s + 1)(c - u); 0 = off (default)",
                    (b, v) -> b.cfgScale((Double) v)));

    public GenerationParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        Objects.requireNonNull(setter, "setter");
    }

    /** The entry of {@code name} ({@code top_p}, or the CLI's spelling {@code --top-p}). */
    public static Optional<GenerationParameter> named(String name) {
        String n = name.startsWith("--") ? name.substring(2).replace('-', '_') : name;
        return ALL.stream().filter(p -> p.name.equals(n)).findFirst();
    }

    /** The entry of {@code name}, which must exist (a front end's own wiring, not user input). */
    public static GenerationParameter of(String name) {
        return named(name).orElseThrow(() -> new IllegalArgumentException("no built-in generation parameter '" + name + "'"));
    }

    /** The command-line flag: {@code --top-p}. */
    public String flag() {
        return "--" + name.replace('_', '-');
    }

    /**
     * Types and range-checks {@code raw} (a command-line string, a JSON value or a Java value) and sets it on {@code b};
     * {@code null} leaves {@code b} as it is.
     *
     * @throws InvalidRequestException naming this parameter, its type and range, and the value
     */
    public GenerationRequest.Builder apply(GenerationRequest.Builder b, Object raw) {
        if (raw != null) {
            setter.set(b, OptionSpec.typed(type, name, raw));
        }
        return b;
    }

    /** The description followed by the type and range, as help texts print it. */
    public String help() {
        return description.substring(0, 1).toUpperCase(Locale.ROOT) + description.substring(1) + " (" + type.describe() + ").";
    }

    private static int toInt(Object v) {
        return Math.toIntExact((Long) v);
    }

    private static GenerationParameter string(String name, String description, Setter setter) {
        return new GenerationParameter(name, new OptionSpec.StringType(List.of()), description, setter);
    }

    private static GenerationParameter integer(String name, long min, long max, String description, Setter setter) {
        return new GenerationParameter(name, new OptionSpec.IntegerType(min, max), description, setter);
    }

    private static GenerationParameter number(String name, double min, double max, boolean minExclusive, boolean maxExclusive,
                                              String description, Setter setter) {
        return new GenerationParameter(name, new OptionSpec.NumberType(min, max, minExclusive, maxExclusive), description, setter);
    }
}
