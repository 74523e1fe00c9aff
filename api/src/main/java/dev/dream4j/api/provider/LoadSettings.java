package dev.dream4j.api.provider;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * What {@link dev.dream4j.Dream4j.Builder} collected, handed to the runtime that opens the model.
 *
 * @param model              the checkpoint directory
 * @param backend            the backend plug-in by name; empty: the highest-priority available one
 * @param tokenizer          the tokenizer plug-in by name; empty: the first that reads the directory
 * @param device             {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}
 * @param threads            backend worker threads; empty: the backend's default
 * @param properties         backend-specific settings ({@code cpu.weights=q8_0}, {@code onnx.optimization=all} …)
 * @param maxBatch           continuous batching: canvas rows one shared step forward may hold (1: off)
 * @param pluginDirectories  directories of plug-in jars, each loaded in its own module layer
 * @param warnings           receives each plug-in load problem once (a broken jar, a bundled SDK jar); empty: the runtime logs them
 */
public record LoadSettings(Path model, Optional<String> backend, Optional<String> tokenizer, Optional<String> device,
                           OptionalInt threads, Map<String, String> properties, int maxBatch,
                           List<Path> pluginDirectories, Optional<Consumer<String>> warnings) {
    public LoadSettings {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(tokenizer, "tokenizer");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(threads, "threads");
        Objects.requireNonNull(warnings, "warnings");
        properties = Map.copyOf(properties);
        pluginDirectories = List.copyOf(pluginDirectories);
    }
}
