package dev.dream4j;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.kernel.plugin.PluginKind;
import dev.dream4j.kernel.plugin.PluginRegistry;
import dev.dream4j.spi.backend.ExporterProvider;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelFamily;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The entry point: loads a Hugging Face checkpoint directory with the plug-ins found on the module path or class
 * path.
 *
 * <pre>{@code
 * try (DiffusionLM lm = Dream4j.load(Path.of("/models/Dream-Coder-v0-Instruct-7B"))) {
 *     GenerationResult r = lm.generate(GenerationRequest.builder().prompt("def quicksort(a):")
 *         .maxNewTokens(128).steps(128).sampler("entropy").temperature(0.1).seed(7).build());
 * }
 * }</pre>
 */
public final class Dream4j {

    private Dream4j() {
    }

    /** Loads {@code directory} with the highest-priority available backend and tokenizer. */
    public static DiffusionLM load(Path directory) {
        return builder().model(directory).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Writes the checkpoint in {@code modelDir} in another format with the {@link ExporterProvider} called
     * {@code format} (for example {@code onnx}): opens the checkpoint, describes it with the model-family plug-in that
     * reads its {@code config.json}, and exports it into {@code outDir}.
     *
     * @param options the exporter's settings by name (for {@code onnx}: {@code quantize=int4}, {@code block-size=32})
     * @throws dev.dream4j.api.PluginNotFoundException when no exporter is called {@code format} (listing those there are)
     * @throws CheckpointException                    when {@code modelDir} is not a readable checkpoint
     */
    public static void export(Path modelDir, String format, Path outDir, Map<String, String> options) {
        Objects.requireNonNull(modelDir, "modelDir");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(outDir, "outDir");
        Objects.requireNonNull(options, "options");
        PluginRegistry registry = PluginRegistry.discover();
        ExporterProvider exporter = registry.select(PluginKind.EXPORTER, ExporterProvider.class, Optional.of(format));
        try (Checkpoint checkpoint = HfCheckpoint.open(modelDir)) {
            ModelFamily family = registry.providers(PluginKind.MODEL_FAMILY, ModelFamily.class).stream()
                    .filter(f -> f.accepts(checkpoint.config()))
                    .findFirst()
                    .orElseThrow(() -> new CheckpointException(checkpoint.config().file(), "model_type",
                            "no model family plug-in reads model_type " + checkpoint.config().values().get("model_type")
                                    + "; installed: " + registry.entries(PluginKind.MODEL_FAMILY, ModelFamily.class).stream()
                                    .map(e -> e.descriptor().name()).toList()));
            ModelDescription model = family.describe(checkpoint);
            exporter.export(model, checkpoint, outDir, Map.copyOf(options));
        }
    }

    /** Loading options; {@link #build()} opens the model. */
    public static final class Builder {
        private Path model;
        private Optional<String> backend = Optional.empty();
        private Optional<String> tokenizer = Optional.empty();
        private Optional<String> device = Optional.empty();
        private OptionalInt threads = OptionalInt.empty();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private PluginRegistry registry;
        private int maxBatch = 1;
        private final java.util.List<Path> pluginDirectories = new java.util.ArrayList<>();

        private Builder() {
        }

        public Builder model(Path directory) {
            this.model = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The backend plug-in by name ({@code java-cpu}, {@code onnx}); default: highest priority available. */
        public Builder backend(String name) {
            this.backend = Optional.ofNullable(name);
            return this;
        }

        public Builder tokenizer(String name) {
            this.tokenizer = Optional.ofNullable(name);
            return this;
        }

        /** {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}; backends that have one device ignore it. */
        public Builder device(String device) {
            this.device = Optional.ofNullable(device);
            return this;
        }

        public Builder threads(int threads) {
            this.threads = OptionalInt.of(threads);
            return this;
        }

        /** A backend-specific setting. */
        public Builder property(String key, String value) {
            properties.put(key, value);
            return this;
        }

        /**
         * Also loads the plug-ins in {@code directory}: each jar (or sub-directory of jars) in its own module layer.
         * Broken entries are reported and skipped.
         */
        public Builder pluginDirectory(Path directory) {
            pluginDirectories.add(Objects.requireNonNull(directory, "directory"));
            return this;
        }

        /**
         * Continuous batching: generations that run at once (from several threads) share each step's forward, up to
         * {@code rows} canvas rows per forward. 1 (the default) runs each generation's forwards on their own. On the
         * java-cpu backend a generation's tokens are bit-identical either way; see {@code StepScheduler}.
         */
        public Builder maxBatch(int rows) {
            if (rows < 1) {
                throw new InvalidRequestException("max_batch", "max batch must be >= 1, got " + rows);
            }
            this.maxBatch = rows;
            return this;
        }

        /** Uses an already discovered registry (for example one with plug-in directories). */
        public Builder registry(PluginRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Opens the checkpoint, the tokenizer and the backend. */
        public Dream4jModel build() {
            Objects.requireNonNull(model, "model directory not set");
            PluginRegistry r = registry != null ? registry : PluginRegistry.discover(pluginDirectories);
            return Dream4jModel.open(model, r, backend, tokenizer, device, threads, properties, maxBatch);
        }
    }
}
