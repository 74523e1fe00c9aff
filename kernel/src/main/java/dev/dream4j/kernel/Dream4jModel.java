package dev.dream4j.kernel;

import dev.dream4j.api.BatchStats;
import dev.dream4j.api.CheckpointException;
import dev.dream4j.api.LogitRows;
import dev.dream4j.api.ModelDiagnostics;
import dev.dream4j.api.ModelDimensions;
import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.PreparedGeneration;
import dev.dream4j.api.TextTokenizer;
import dev.dream4j.api.provider.LoadSettings;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.api.InfillRequest;
import dev.dream4j.api.InfillResult;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.ModelInfo;
import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.Prompt;
import dev.dream4j.api.UnsupportedFeatureException;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.kernel.backend.SerializingBackend;
import dev.dream4j.kernel.batch.StepScheduler;
import dev.dream4j.kernel.engine.DenoisingEngine;
import dev.dream4j.kernel.engine.RequestResolver;
import dev.dream4j.kernel.engine.ResolvedGeneration;
import dev.dream4j.api.PluginKind;
import dev.dream4j.kernel.plugin.PluginRegistry;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.infill.InfillStrategyProvider;
import dev.dream4j.spi.infill.InfillTask;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.GenerationDefaults;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelFamily;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.SlotSelector;
import dev.dream4j.tokenizer.Tokenizer;
import dev.dream4j.tokenizer.TokenizerProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A loaded model: checkpoint, family description, tokenizer and backend, with the denoising engine in front.
 * Thread-safe when the backend allows concurrent forwards; otherwise generations are serialised. With a max batch
 * above 1 ({@code Dream4j.Builder.maxBatch}) generations running on several threads share their step forwards
 * through a {@link StepScheduler} (continuous batching).
 */
public final class Dream4jModel implements DiffusionLM {
    private static final Logger LOG = LoggerFactory.getLogger(Dream4jModel.class);
    /** The random stream algorithm of every request (documented; part of the reproducibility contract). */
    public static final String RANDOM_ALGORITHM = "L64X128MixRandom";

    private final PluginRegistry registry;
    private final Checkpoint checkpoint;
    private final ModelDescription model;
    private final Tokenizer tokenizer;
    /** The tokenizer as the API offers it (encode, decode, chat template). */
    private final TextTokenizer text;
    private final Backend backend;
    private final String backendName;
    private final String tokenizerName;
    /** Shares step forwards across concurrent generations; null when batching is off (max batch 1). */
    private final StepScheduler scheduler;

    private Dream4jModel(PluginRegistry registry, Checkpoint checkpoint, ModelDescription model, Tokenizer tokenizer,
                         String tokenizerName, Backend backend, String backendName, int maxBatch) {
        this.registry = registry;
        this.checkpoint = checkpoint;
        this.model = model;
        this.tokenizer = tokenizer;
        this.text = new TokenizerText(tokenizer);
        this.tokenizerName = tokenizerName;
        this.backend = backend;
        this.backendName = backendName;
        this.scheduler = maxBatch > 1 ? new StepScheduler(backend, maxBatch) : null;
    }

    /** Opens {@code settings.model()} with the plug-ins of {@code registry}. */
    static Dream4jModel open(LoadSettings settings, PluginRegistry registry) {
        Path directory = settings.model();
        Checkpoint checkpoint = HfCheckpoint.open(directory);
        Backend backend = null;
        try {
            ModelDescription model = describe(registry, checkpoint);
            TokenizerProvider tp = tokenizerProvider(registry, directory, settings.tokenizer());
            Tokenizer tokenizer = tp.load(directory);
            BackendProvider bp = registry.select(PluginKind.BACKEND, BackendProvider.class, settings.backend());
            BackendOptions options = new BackendOptions(settings.threads(), settings.device(), settings.properties());
            backend = SerializingBackend.wrap(bp.open(model, checkpoint, options));
            LOG.info("loaded {} ({} layers, hidden {}, vocab {}) with backend {} and tokenizer {}", directory,
                    model.spec().numLayers(), model.spec().hiddenSize(), model.spec().vocabSize(), bp.name(), tp.name());
            return new Dream4jModel(registry, checkpoint, model, tokenizer, tp.name(), backend, bp.name(), settings.maxBatch());
        } catch (RuntimeException e) {
            if (backend != null) {
                backend.close();
            }
            checkpoint.close();
            throw e;
        }
    }

    /** The model family plug-in that reads the checkpoint's {@code config.json}, and its description. */
    static ModelDescription describe(PluginRegistry registry, Checkpoint checkpoint) {
        ModelFamily family = registry.providers(PluginKind.MODEL_FAMILY, ModelFamily.class).stream()
                .filter(f -> f.accepts(checkpoint.config()))
                .findFirst()
                .orElseThrow(() -> new CheckpointException(checkpoint.config().file(), "model_type",
                        "no model family plug-in reads model_type " + checkpoint.config().values().get("model_type")
                                + "; installed: " + registry.entries(PluginKind.MODEL_FAMILY, ModelFamily.class).stream()
                                .map(e -> e.descriptor().name()).toList()));
        return family.describe(checkpoint);
    }

    /** The tokenizer plug-in called {@code name}, or the first that reads {@code directory}. */
    static TokenizerProvider tokenizerProvider(PluginRegistry registry, Path directory, Optional<String> name) {
        return name.isPresent()
                ? registry.select(PluginKind.TOKENIZER, TokenizerProvider.class, name)
                : registry.providers(PluginKind.TOKENIZER, TokenizerProvider.class).stream()
                .filter(t -> t.supports(directory)).findFirst()
                .orElseThrow(() -> new CheckpointException(directory.resolve("tokenizer.json"), null,
                        "no tokenizer plug-in reads this directory"));
    }

    @Override
    public ModelInfo info() {
        return new ModelInfo(checkpoint.directory(), model.family(), backendName, tokenizerName,
                model.spec().vocabSize(), model.contextLength(), model.tokens().asMap());
    }

    /** The family's description of the checkpoint. */
    ModelDescription description() {
        return model;
    }

    @Override
    public List<PluginInfo> plugins() {
        return registry.descriptors();
    }

    @Override
    public ModelDiagnostics diagnostics() {
        return new Diagnostics();
    }

    /** Raw forwards on the model's own backend (not through the step scheduler). */
    private final class Diagnostics implements ModelDiagnostics {
        @Override
        public ModelDimensions dimensions() {
            ModelSpec s = model.spec();
            return new ModelDimensions(s.numLayers(), s.hiddenSize(), s.intermediateSize(), s.numHeads(), s.numKvHeads(),
                    s.headDim(), s.vocabSize());
        }

        @Override
        public double forwardFlops(long canvas, long rows, long attended) {
            return model.spec().forwardFlops(canvas, rows, attended);
        }

        @Override
        public LogitRows forward(int[] ids, int[] rows) {
            validateIds("ids", ids);
            if (ids.length == 0) {
                throw new InvalidRequestException("ids", "at least one token id is needed");
            }
            if (ids.length > model.contextLength()) {
                throw new InvalidRequestException("ids", ids.length + " tokens exceed the context length " + model.contextLength());
            }
            if ((long) rows.length * model.spec().vocabSize() > Integer.MAX_VALUE - 16) {
                throw new InvalidRequestException("rows", rows.length + " rows x " + model.spec().vocabSize()
                        + " logits exceed one Java array; ask for at most " + ((Integer.MAX_VALUE - 16) / model.spec().vocabSize()) + " rows");
            }
            Logits logits = backend.forward(ForwardBatch.single(ids.clone(), rows.clone())); // ForwardBatch checks the rows
            return new LogitRows() {
                @Override
                public int rows() {
                    return logits.rows();
                }

                @Override
                public int vocabSize() {
                    return logits.vocab();
                }

                @Override
                public float get(int row, int token) {
                    return logits.get(row, token);
                }

                @Override
                public float[] copyRow(int row) {
                    return logits.copyRow(row);
                }
            };
        }

        @Override
        public int maxBatch() {
            return scheduler == null ? 1 : scheduler.maxRows();
        }

        @Override
        public Optional<BatchStats> batchStats() {
            return Optional.ofNullable(scheduler).map(StepScheduler::stats)
                    .map(st -> new BatchStats(st.activeGenerations(), st.forwards(), st.sharedForwards(), st.rows()));
        }
    }

    /**
     * The backend one generation runs on: a member of the step scheduler (close it when the generation ends), or the
     * backend itself when batching is off.
     */
    private Backend generationBackend() {
        return scheduler == null ? backend : scheduler.join();
    }

    private void release(Backend generationBackend) {
        if (generationBackend != backend) {
            generationBackend.close();
        }
    }

    @Override
    public List<Integer> encode(String text, boolean addSpecialTokens) {
        return this.text.encode(text, addSpecialTokens);
    }

    @Override
    public String decode(List<Integer> ids, boolean skipSpecialTokens) {
        return text.decode(ids, skipSpecialTokens);
    }

    @Override
    public String renderChat(List<ChatMessage> messages) {
        return text.renderChat(messages);
    }

    @Override
    public int vocabSize() {
        return tokenizer.vocabSize();
    }

    /** The ids a prompt stands for. */
    public int[] promptIds(Prompt prompt) {
        int[] ids = switch (prompt) {
            case Prompt.Text t -> tokenizer.encode(t.text(), false);
            case Prompt.Chat c -> tokenizer.encode(tokenizer.applyChatTemplate(c.messages()), false);
            case Prompt.Tokens t -> t.ids().stream().mapToInt(Integer::intValue).toArray();
        };
        validateIds("prompt_ids", ids);
        return ids;
    }

    private void validateIds(String parameter, int[] ids) {
        int vocab = model.spec().vocabSize();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new InvalidRequestException(parameter, "token id " + ids[i] + " at index " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }

    /** Fills every default of {@code request} for prompts of padded length {@code promptLength}. */
    public ResolvedGeneration resolve(GenerationRequest request, int promptLength) {
        RequestResolver resolver = new RequestResolver(model);
        ResolvedGeneration base = resolver.resolve(request, promptLength);
        SamplerProvider provider = registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of(base.sampler()));
        // plug-in options: checked against the selected sampler's and every logits processor's declarations
        List<RequestResolver.OptionOwner> owners = new ArrayList<>();
        owners.add(new RequestResolver.OptionOwner("sampler '" + provider.name() + "'", provider.options()));
        for (LogitsProcessorProvider p : logitsProcessors()) {
            owners.add(new RequestResolver.OptionOwner("logits processor '" + p.name() + "'", p.options()));
        }
        base = base.withParams(base.params().withOptions(RequestResolver.options(request.options(), owners)));
        return resolver.withBlocks(request, base, provider.defaultBlockLength());
    }

    private List<LogitsProcessorProvider> logitsProcessors() {
        return registry.providers(PluginKind.LOGITS_PROCESSOR, LogitsProcessorProvider.class).stream()
                .sorted(Comparator.comparingInt(LogitsProcessorProvider::order))
                .toList();
    }

    /** The sampler of resolved settings: block samplers get the block settings (threshold, factor). */
    public Sampler sampler(ResolvedGeneration settings) {
        SamplerProvider provider = registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of(settings.sampler()));
        return settings.block().isPresent()
                ? provider.create(settings.params(), settings.block().get().decoding())
                : provider.create(settings.params());
    }

    /** The sampler plug-in of {@code name} (typed error listing the installed ones when unknown). */
    public Sampler sampler(String name, SamplingParams params) {
        return registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of(name)).create(params);
    }

    /** The active logits processors for {@code params}, in order. */
    public List<LogitsProcessor> processors(SamplingParams params) {
        List<LogitsProcessorProvider> providers = logitsProcessors();
        // settings resolved without a request's options (infill) still give each processor its declared defaults
        Map<String, Object> options = new TreeMap<>();
        providers.forEach(p -> p.options().forEach(o -> options.putIfAbsent(o.name(), o.defaultValue())));
        options.putAll(params.options());
        SamplingParams withDefaults = params.withOptions(options);
        return providers.stream().flatMap(p -> p.create(withDefaults, model).stream()).toList();
    }

    /** The request's random stream. */
    public static RandomGenerator random(long seed) {
        return RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(seed);
    }

    @Override
    public PreparedGeneration prepare(GenerationRequest request) {
        Objects.requireNonNull(request, "request");
        List<int[]> prompts = new ArrayList<>();
        for (Prompt p : request.prompts()) {
            prompts.add(promptIds(p));
        }
        int promptLength = prompts.stream().mapToInt(a -> a.length).max().orElse(0);
        ResolvedGeneration settings = resolve(request, promptLength);
        sampler(settings); // a sampler that refuses these settings does so now, not at the first step
        GenerationRequest asRun = request.seed().isPresent() ? request : request.toBuilder().seed(settings.seed()).build();
        return new Prepared(this, asRun, List.copyOf(prompts), settings);
    }

    /** A request this model resolved; only this model runs it. */
    private record Prepared(Dream4jModel owner, GenerationRequest request, List<int[]> prompts,
                            ResolvedGeneration settings) implements PreparedGeneration {
        @Override
        public List<List<Integer>> promptIds() {
            return prompts.stream().map(ids -> Arrays.stream(ids).boxed().toList()).toList();
        }

        @Override
        public int promptLength() {
            return settings.promptLength();
        }

        @Override
        public int newTokens() {
            return settings.canvasLength() - settings.promptLength();
        }

        @Override
        public int rows() {
            return prompts.size() * request.numReturnSequences();
        }

        @Override
        public List<List<Integer>> initialCanvas() {
            List<int[]> rows = new ArrayList<>();
            for (int[] prompt : prompts) {
                for (int r = 0; r < request.numReturnSequences(); r++) {
                    rows.add(prompt);
                }
            }
            DenoisingEngine.Canvas canvas = owner.startingCanvas(rows, newTokens());
            List<List<Integer>> out = new ArrayList<>(canvas.batch());
            for (int b = 0; b < canvas.batch(); b++) {
                out.add(Arrays.stream(canvas.tokens(), b * canvas.length(), (b + 1) * canvas.length()).boxed().toList());
            }
            return List.copyOf(out);
        }

        @Override
        public int steps() {
            return settings.params().steps();
        }

        @Override
        public String sampler() {
            return settings.sampler();
        }

        @Override
        public long seed() {
            return settings.seed();
        }

        @Override
        public OptionalInt blockLength() {
            return settings.block().map(b -> OptionalInt.of(b.blockLength())).orElse(OptionalInt.empty());
        }

        @Override
        public Map<String, Object> options() {
            return settings.params().options();
        }
    }

    /** The canvas a generation starts from: rows left-padded to the longest prompt, then masks. */
    private DenoisingEngine.Canvas startingCanvas(List<int[]> rows, int newTokens) {
        return new DenoisingEngine(backend, model).canvas(rows, newTokens);
    }

    @Override
    public GenerationResult generate(PreparedGeneration prepared, DenoisingListener listener) {
        if (!(prepared instanceof Prepared own) || own.owner() != this) {
            throw new InvalidRequestException("prepared", "the generation was prepared by another model; call prepare on this one");
        }
        Objects.requireNonNull(listener, "listener");
        long start = System.nanoTime();
        GenerationRequest request = own.request();
        ResolvedGeneration settings = own.settings();
        int promptLength = settings.promptLength();
        List<int[]> prompts = new ArrayList<>();
        List<Integer> promptIndex = new ArrayList<>();
        for (int i = 0; i < own.prompts().size(); i++) {
            for (int r = 0; r < request.numReturnSequences(); r++) {
                prompts.add(own.prompts().get(i));
                promptIndex.add(i);
            }
        }
        Sampler sampler = sampler(settings);
        SamplerProvider samplerProvider = registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of(settings.sampler()));
        // a sampler that turns temperature into its own noise (LLaDA's Gumbel-max) gets the logits untempered
        List<LogitsProcessor> processors = processors(samplerProvider.appliesTemperature()
                ? settings.params().withTemperature(1.0) : settings.params()); // 1: the processors leave it alone
        DenoisingEngine.Canvas canvas = startingCanvas(prompts, settings.canvasLength() - promptLength);
        LOG.debug("generate: {} row(s), canvas {}, {} steps, sampler {}, seed {}, blocks {}", canvas.batch(), canvas.length(),
                settings.params().steps(), settings.sampler(), settings.seed(), settings.block());
        DenoisingEngine.Outcome outcome;
        Backend stepBackend = generationBackend();
        try {
            outcome = new DenoisingEngine(stepBackend, model)
                    .run(canvas, settings, sampler, processors, random(settings.seed()), listener, request.hooks());
        } finally {
            release(stepBackend);
        }
        List<GenerationResult.GeneratedSequence> sequences = new ArrayList<>();
        int eos = model.tokens().eos();
        // a stopped canvas is settled only up to its first mask: the text ends there (or at end-of-text)
        int unsettled = outcome.stopped() ? model.tokens().mask() : eos;
        for (int b = 0; b < canvas.batch(); b++) {
            int from = b * canvas.length() + promptLength;
            int[] generated = Arrays.copyOfRange(canvas.tokens(), from, (b + 1) * canvas.length());
            int cut = 0;
            while (cut < generated.length && generated[cut] != eos && generated[cut] != unsettled) {
                cut++;
            }
            String text = decodeGenerated(Arrays.copyOf(generated, cut));
            sequences.add(new GenerationResult.GeneratedSequence(promptIndex.get(b),
                    Arrays.stream(prompts.get(b)).boxed().toList(), Arrays.stream(generated).boxed().toList(), text));
        }
        return new GenerationResult(sequences, outcome.steps(), System.nanoTime() - start, settings.sampler(), settings.seed(),
                outcome.stopped() ? GenerationResult.FinishReason.STOPPED : GenerationResult.FinishReason.COMPLETED);
    }

    /**
     * Text of generated ids, special tokens skipped. The embedding has more rows than the tokenizer has tokens
     * (Dream: 152064 vs 151667); a sampled id from the padding rows has no text and is left out, as the Hugging Face
     * tokenizer's decode leaves it out.
     */
    private String decodeGenerated(int[] ids) {
        int known = tokenizer.vocabSize();
        int[] kept = Arrays.stream(ids).filter(id -> id < known).toArray();
        if (kept.length != ids.length) {
            LOG.debug("left {} id(s) of the embedding's padding rows (>= {}) out of the decoded text", ids.length - kept.length, known);
        }
        return tokenizer.decode(kept, true);
    }

    @Override
    public InfillResult infill(InfillRequest request, DenoisingListener listener) {
        List<InfillStrategyProvider> strategies = registry.providers(PluginKind.INFILL, InfillStrategyProvider.class);
        InfillStrategyProvider provider = request.strategy().isPresent()
                ? registry.select(PluginKind.INFILL, InfillStrategyProvider.class, request.strategy())
                : strategies.stream().filter(s -> s.supports(model)).findFirst()
                .orElseThrow(() -> new UnsupportedFeatureException("infill",
                        "no infill strategy supports this checkpoint; installed: "
                                + strategies.stream().map(InfillStrategyProvider::name).toList()));
        if (!provider.supports(model)) {
            throw new UnsupportedFeatureException("infill", "infill strategy '" + provider.name()
                    + "' does not support this checkpoint" + (model.tokens().expand().isEmpty()
                    ? " (it has no expand token; the 'fixed' strategy infills a hole of fixed length)" : ""));
        }
        int[] prefix = promptIds(request.prefix());
        int[] suffix = promptIds(request.suffix());
        if (prefix.length == 0 && suffix.length == 0) {
            throw new InvalidRequestException("prefix", "prefix and suffix are both empty");
        }
        GenerationDefaults d = model.defaults();
        double temperature = request.temperature().isPresent() ? request.temperature().getAsDouble()
                : d.temperature().orElse(InfillRequest.DEFAULT_TEMPERATURE);
        var topP = request.topP().isPresent() ? request.topP() : d.topP();
        var topK = request.topK().isPresent() ? request.topK() : d.topK();
        double algTemp = request.algTemp().isPresent() ? request.algTemp().getAsDouble() : d.algTemp().orElse(0.0);
        SamplingParams params = new SamplingParams(temperature, topP, topK, algTemp, d.eps().orElse(1e-3), 0.0,
                request.steps().orElse(request.maxNewTokens()));
        // which sampler infills by default is the strategy's to say (DreamOn refuses the checkpoint's 'origin')
        String samplerName = request.sampler().or(() -> provider.defaultSampler(model))
                .orElseThrow(() -> new InvalidRequestException("sampler", "infill strategy '" + provider.name()
                        + "' names no default sampler and the request names none"));
        SamplerProvider samplerProvider = registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of(samplerName));
        SlotSelector selector = samplerProvider.selector(params).orElseThrow(() -> new InvalidRequestException("sampler",
                "sampler '" + samplerName + "' cannot infill: it does not commit a given number of slots per step;"
                        + " samplers that can: " + registry.providers(PluginKind.SAMPLER, SamplerProvider.class).stream()
                        .filter(p -> p.selector(params).isPresent()).map(SamplerProvider::name).toList()));
        long seed = request.seed().isPresent() ? request.seed().getAsLong() : new SecureRandom().nextLong();
        Backend stepBackend = generationBackend();
        try {
            InfillTask task = new InfillTask(stepBackend, prefix, suffix, request.initialMasks(), request.maxNewTokens(),
                    request.tokensPerStep().orElse(InfillRequest.DEFAULT_TOKENS_PER_STEP), request.expandBudget(),
                    request.padDeleteToRight(), selector, params,
                    processors(samplerProvider.appliesTemperature() ? params.withTemperature(1.0) : params),
                    random(seed), listener, this::decodeGenerated);
            return provider.create().infill(task);
        } finally {
            release(stepBackend);
        }
    }

    @Override
    public void close() {
        try {
            backend.close();
        } finally {
            checkpoint.close();
        }
    }
}
