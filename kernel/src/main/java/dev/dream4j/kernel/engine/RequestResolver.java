package dev.dream4j.kernel.engine;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.model.GenerationDefaults;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.Schedule;

import dev.dream4j.spi.sampling.BlockDecoding;

import dev.dream4j.api.OptionSpec;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Fills a request's empty settings: the request's value, else the model's default as its family declares it (the
 * checkpoint's {@code generation_config.json} over the family reference's own defaults, see
 * {@link ModelDescription#defaults()}); and resolves the canvas length as transformers' {@code _prepare_generated_length}
 * does. The kernel holds no family's defaults: what a family leaves empty falls back to neutral values (no sampler is
 * an error, steps = one per new token, temperature 0, no filters).
 */
public final class RequestResolver {
    /** transformers' {@code GenerationConfig.max_length} default, which {@code generate} treats as "not set". */
    static final int HF_DEFAULT_MAX_LENGTH = 20;
    /** The most steps a checkpoint's generation_config.json may ask for by default (a request may ask for more). */
    public static final int MAX_DEFAULT_STEPS = 16_384;

    private final ModelDescription model;

    public RequestResolver(ModelDescription model) {
        this.model = model;
    }

    public ResolvedGeneration resolve(GenerationRequest request, int promptLength) {
        GenerationDefaults d = model.defaults();
        if (request.maxNewTokens().isEmpty() && request.maxLength().isEmpty()) {
            d.maxNewTokens().ifPresent(v -> intFromConfig("max_new_tokens", v, x -> x >= 1, ">= 1"));
        }
        int canvas;
        String lengthParameter = "max_new_tokens";
        if (request.maxNewTokens().isPresent()) {
            canvas = promptLength + request.maxNewTokens().getAsInt();
        } else if (request.maxLength().isPresent()) {
            canvas = request.maxLength().getAsInt();
            lengthParameter = "max_length";
        } else if (d.maxNewTokens().isPresent()) {
            canvas = promptLength + d.maxNewTokens().getAsInt();
        } else if (d.maxLength().isPresent() && d.maxLength().getAsInt() != HF_DEFAULT_MAX_LENGTH) {
            canvas = d.maxLength().getAsInt();
            lengthParameter = "max_length";
        } else {
            canvas = Math.min(HF_DEFAULT_MAX_LENGTH + promptLength, model.spec().maxPositionEmbeddings());
            lengthParameter = "max_length";
        }
        if (promptLength >= canvas) {
            throw new InvalidRequestException(lengthParameter, "the prompt has " + promptLength
                    + " tokens, which leaves no room for new tokens in a canvas of " + canvas);
        }
        if (canvas > model.contextLength()) {
            throw new InvalidRequestException(lengthParameter, "prompt (" + promptLength + " tokens) + new tokens ("
                    + (canvas - promptLength) + ") = " + canvas + " exceeds the model's context length " + model.contextLength());
        }
        String sampler = request.sampler().or(d::alg).orElseThrow(() -> new InvalidRequestException("sampler",
                "no sampler requested and the " + model.family() + " family declares no default sampler"));
        int steps = request.steps().isPresent() ? request.steps().getAsInt()
                : intFromConfig("steps", d.steps().orElse(canvas - promptLength), v -> v >= 1 && v <= MAX_DEFAULT_STEPS, "[1, " + MAX_DEFAULT_STEPS + "]");
        double temperature = request.temperature().isPresent() ? request.temperature().getAsDouble()
                : fromConfig("temperature", d.temperature().orElse(0.0), v -> v >= 0 && Double.isFinite(v), "a finite number >= 0");
        var topP = request.topP().isPresent() ? request.topP() : d.topP();
        if (request.topP().isEmpty() && topP.isPresent()) {
            fromConfig("top_p", topP.getAsDouble(), v -> v > 0 && v <= 1, "in (0, 1]");
        }
        var topK = request.topK().isPresent() ? request.topK() : d.topK();
        if (request.topK().isEmpty() && topK.isPresent()) {
            intFromConfig("top_k", topK.getAsInt(), v -> v >= 0, ">= 0 (0 = no top-k)");
        }
        // top_k 0 asks for no top-k filter (as in transformers), overriding a family default such as Dream's 50
        if (topK.isPresent() && topK.getAsInt() <= 0) {
            topK = java.util.OptionalInt.empty();
        }
        double algTemp = request.algTemp().isPresent() ? request.algTemp().getAsDouble()
                : fromConfig("alg_temp", d.algTemp().orElse(0.0), v -> v >= 0 && Double.isFinite(v), "a finite number >= 0");
        double eps = request.eps().isPresent() ? request.eps().getAsDouble()
                : fromConfig("eps", d.eps().orElse(Schedule.DEFAULT_EPS), v -> v > 0 && v < 1, "in (0, 1)");
        double padPenalty = request.padPenalty().isPresent() ? request.padPenalty().getAsDouble()
                : fromConfig("pad_penalty", d.padPenalty().orElse(0.0), v -> v >= 0 && Double.isFinite(v), "a finite number >= 0");
        long seed = request.seed().isPresent() ? request.seed().getAsLong() : new SecureRandom().nextLong();
        return new ResolvedGeneration(sampler, new SamplingParams(temperature, topP, topK, algTemp, eps, padPenalty, steps),
                canvas, promptLength, seed).withCfgScale(request.cfgScale().orElse(0.0));
    }

    /**
     * {@code value}, a default from the checkpoint's generation_config.json, when {@code valid}; otherwise an error
     * naming the file and the field. Requests are validated when built; these defaults only here, where they meet one.
     */
    private static double fromConfig(String field, double value, java.util.function.DoublePredicate valid, String range) {
        if (!valid.test(value)) {
            throw new InvalidRequestException(field, "generation_config.json sets " + field + " = " + value + "; it must be "
                    + range + " (fix the file or pass " + field + " in the request)");
        }
        return value;
    }

    private static int intFromConfig(String field, int value, java.util.function.IntPredicate valid, String range) {
        if (!valid.test(value)) {
            throw new InvalidRequestException(field, "generation_config.json sets " + field + " = " + value + "; it must be "
                    + range + " (fix the file or pass " + field + " in the request)");
        }
        return value;
    }

    /**
     * Adds block decoding to {@code base} when the request asks for it: a block length, a cache other than none, or a
     * block sampler ({@code samplerBlockLength} present: its default block length). Otherwise returns {@code base}.
     *
     * @throws InvalidRequestException when a step-schedule sampler would get fewer than 2 steps per block
     */
    public ResolvedGeneration withBlocks(GenerationRequest request, ResolvedGeneration base, OptionalInt samplerBlockLength) {
        CacheMode cache = request.cache().orElse(CacheMode.NONE);
        if (cache != CacheMode.NONE && base.cfgScale() > 0) {
            throw new InvalidRequestException("cfg_scale", "classifier-free guidance runs without a key/value cache: "
                    + "drop --cache " + cache.id() + " or set cfg_scale 0");
        }
        boolean blockSampler = samplerBlockLength.isPresent();
        if (request.blockLength().isEmpty() && cache == CacheMode.NONE && !blockSampler) {
            if (request.earlyStop().orElse(false)) {
                throw new InvalidRequestException("early_stop", "early stop needs block decoding: set a block length, a cache or a block sampler");
            }
            return base;
        }
        int newTokens = base.canvasLength() - base.promptLength();
        int blockLength = request.blockLength().orElse(samplerBlockLength.orElse(BlockDecoding.DEFAULT_BLOCK_LENGTH));
        blockLength = Math.min(blockLength, newTokens);
        BlockSettings settings = new BlockSettings(blockLength, cache, request.earlyStop().orElse(blockSampler), blockSampler,
                request.threshold().orElse(BlockDecoding.DEFAULT_THRESHOLD),
                request.factor().orElse(BlockDecoding.DEFAULT_FACTOR), 0);
        if (!blockSampler) {
            int blocks = settings.blocks(newTokens);
            int steps = base.params().steps();
            // a shifted family's cached block spends its first step on the refresh that commits the first slot, so its
            // schedule samplers get at least two steps per block (cached or not, one rule); unshifted families (LLaDA
            // splits a block's masks evenly over its steps) may run one
            int perBlock = model.logitShift() > 0 ? 2 : 1;
            if (steps < perBlock * blocks) {
                throw new InvalidRequestException("steps", "block decoding with sampler '" + base.sampler() + "' needs at least "
                        + perBlock + (perBlock == 1 ? " step" : " steps") + " per block: " + newTokens + " new tokens in blocks of " + blockLength + " make "
                        + blocks + " blocks, so steps must be >= " + (perBlock * blocks) + ", got " + steps);
            }
        }
        return base.withBlock(settings);
    }

    /**
     * The plug-ins whose option declarations a request's options are checked against.
     *
     * @param plugin  how messages name it, for example {@code sampler 'left-to-right'}
     * @param options what it declares
     */
    public record OptionOwner(String plugin, List<OptionSpec> options) {
        public OptionOwner {
            options = List.copyOf(options);
        }
    }

    /**
     * {@code requested} (raw values by name) typed against what {@code owners} declare, every declared option filled
     * with its default when not requested. A name several owners declare must suit each of them; the first owner's
     * typed value (the sampler's, then the processors' in order) is kept.
     *
     * @throws InvalidRequestException (parameter {@code options.<name>}) for an option no owner declares, naming the
     *                                 owners and what they declare, or for a value of the wrong type or out of range
     */
    public static Map<String, Object> options(Map<String, Object> requested, List<OptionOwner> owners) {
        Map<String, List<Map.Entry<String, OptionSpec>>> declared = new LinkedHashMap<>();
        for (OptionOwner owner : owners) {
            for (OptionSpec spec : owner.options()) {
                declared.computeIfAbsent(spec.name(), n -> new ArrayList<>()).add(Map.entry(owner.plugin(), spec));
            }
        }
        Map<String, Object> out = new TreeMap<>();
        requested.forEach((name, raw) -> {
            List<Map.Entry<String, OptionSpec>> specs = declared.get(name);
            if (specs == null) {
                throw new InvalidRequestException("options." + name, "no selected plug-in declares option '" + name + "'; "
                        + declarations(owners));
            }
            Object typed = null;
            for (Map.Entry<String, OptionSpec> e : specs) {
                Object v = e.getValue().parse(e.getKey(), raw);
                if (typed == null) {
                    typed = v;
                }
            }
            out.put(name, typed);
        });
        declared.forEach((name, specs) -> out.putIfAbsent(name, specs.getFirst().getValue().defaultValue()));
        return out;
    }

    /** The first owner (the sampler) always by itself; owners declaring nothing after it in one group, to stay short. */
    private static String declarations(List<OptionOwner> owners) {
        List<String> parts = new ArrayList<>();
        List<String> none = new ArrayList<>();
        for (int i = 0; i < owners.size(); i++) {
            OptionOwner owner = owners.get(i);
            if (i > 0 && owner.options().isEmpty()) {
                none.add(owner.plugin());
            } else {
                parts.add(owner.plugin() + " declares " + (owner.options().isEmpty() ? "none"
                        : owner.options().stream().map(o -> o.name() + " (" + o.type().describe() + ")").toList()));
            }
        }
        if (!none.isEmpty()) {
            parts.add(String.join(", ", none) + (none.size() == 1 ? " declares none" : " declare none"));
        }
        return parts.isEmpty() ? "no plug-in declares options" : String.join("; ", parts);
    }
}
