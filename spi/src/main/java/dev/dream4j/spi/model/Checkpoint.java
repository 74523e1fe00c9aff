package dev.dream4j.spi.model;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * A Hugging Face snapshot directory, opened: its JSON files parsed and its safetensors memory-mapped. Tensors stay
 * valid until {@link #close()}. Thread-safe for reading.
 */
public interface Checkpoint extends AutoCloseable {

    Path directory();

    /** {@code config.json}. */
    JsonConfig config();

    /** Any other JSON file of the directory ({@code generation_config.json}, {@code tokenizer_config.json}, ...). */
    Optional<JsonConfig> json(String fileName);

    Set<String> tensorNames();

    default boolean hasTensor(String name) {
        return tensorNames().contains(name);
    }

    /**
     * The named tensor.
     *
     * @throws dev.dream4j.api.CheckpointException naming the tensor when it is missing
     */
    TensorView tensor(String name);

    @Override
    void close();
}
