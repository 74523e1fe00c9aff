package dev.dream4j;

import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.TextTokenizer;
import dev.dream4j.api.provider.Dream4jProvider;
import dev.dream4j.api.provider.LoadSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.function.Consumer;

/**
 * The entry point: loads a Hugging Face checkpoint directory with the plug-ins found on the module path or class
 * path. Lives in the {@code api} module; the runtime that does the work (the {@code kernel} module) is found through
 * {@link ServiceLoader} as a {@link Dream4jProvider}, so applications compile against the API alone.
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

    /** Every installed plug-in, unavailable ones included (with the reason). */
    public static List<PluginInfo> plugins() {
        return provider().plugins(List.of(), Optional.empty());
    }

    /**
     * Every plug-in installed and in {@code pluginDirectories}.
     *
     * @param warnings receives each load problem once (a broken jar, an SDK jar bundled in a plug-in directory)
     */
    public static List<PluginInfo> plugins(List<Path> pluginDirectories, Consumer<String> warnings) {
        return provider().plugins(List.copyOf(pluginDirectories), Optional.of(warnings));
    }

    /**
     * Writes the checkpoint in {@code modelDir} in another format with the exporter plug-in called {@code format}
     * (for example {@code onnx}, {@code q8_0}, {@code q4_0}).
     *
     * @param options the exporter's settings by name (for {@code onnx}: {@code quantize=int4}, {@code block-size=32})
     * @throws dev.dream4j.api.PluginNotFoundException when no exporter is called {@code format} (listing those there are)
     * @throws dev.dream4j.api.CheckpointException     when {@code modelDir} is not a readable checkpoint
     */
    public static void export(Path modelDir, String format, Path outDir, Map<String, String> options) {
        provider().export(Objects.requireNonNull(modelDir, "modelDir"), Objects.requireNonNull(format, "format"),
                Objects.requireNonNull(outDir, "outDir"), Map.copyOf(options), List.of());
    }

    /**
     * The runtime on the module or class path. Looked up on each call (no cached static state); the first one found
     * wins, as only the {@code kernel} module provides one.
     */
    private static Dream4jProvider provider() {
        return ServiceLoader.load(Dream4jProvider.class).findFirst()
                .or(() -> ServiceLoader.load(Dream4jProvider.class, Dream4j.class.getClassLoader()).findFirst())
                .orElseThrow(() -> new Dream4jException("no dream4j runtime found: put the dream4j-kernel module "
                        + "(artifact dev.dream4j:dream4j-kernel) and plug-ins on the module path or class path"));
    }

    /** Loading options; {@link #build()} opens the model. */
    public static final class Builder {
        private Path model;
        private Optional<String> backend = Optional.empty();
        private Optional<String> tokenizer = Optional.empty();
        private Optional<String> device = Optional.empty();
        private OptionalInt threads = OptionalInt.empty();
        private final Map<String, String> properties = new LinkedHashMap<>();
        private int maxBatch = 1;
        private final List<Path> pluginDirectories = new ArrayList<>();
        private Optional<Consumer<String>> warnings = Optional.empty();

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
            properties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Also loads the plug-ins in {@code directory}: each jar (or sub-directory of jars) in its own module layer.
         * Broken entries are reported to {@link #warnings} and skipped.
         */
        public Builder pluginDirectory(Path directory) {
            pluginDirectories.add(Objects.requireNonNull(directory, "directory"));
            return this;
        }

        /** Receives each plug-in load problem once; default: the runtime's log. */
        public Builder warnings(Consumer<String> warnings) {
            this.warnings = Optional.of(warnings);
            return this;
        }

        /**
         * Continuous batching: generations that run at once (from several threads) share each step's forward, up to
         * {@code rows} canvas rows per forward. 1 (the default) runs each generation's forwards on their own. On the
         * java-cpu backend a generation's tokens are bit-identical either way.
         */
        public Builder maxBatch(int rows) {
            if (rows < 1) {
                throw new InvalidRequestException("max_batch", "max batch must be >= 1, got " + rows);
            }
            this.maxBatch = rows;
            return this;
        }

        /** Opens the checkpoint, the tokenizer and the backend. */
        public DiffusionLM build() {
            return provider().open(settings());
        }

        /** Opens only the checkpoint's tokenizer (no weights, no backend). */
        public TextTokenizer buildTokenizer() {
            return provider().openTokenizer(settings());
        }

        private LoadSettings settings() {
            Objects.requireNonNull(model, "model directory not set");
            return new LoadSettings(model, backend, tokenizer, device, threads, properties, maxBatch, pluginDirectories,
                    warnings);
        }
    }
}
