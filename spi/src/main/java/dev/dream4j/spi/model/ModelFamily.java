package dev.dream4j.spi.model;

import dev.dream4j.spi.Plugin;

/** Recognises a kind of checkpoint ({@code model_type}) and describes it. Found with {@code ServiceLoader}. */
public interface ModelFamily extends Plugin {

    /** Whether this family reads checkpoints with this {@code config.json}; must not throw. */
    boolean accepts(JsonConfig config);

    /**
     * Reads shape, special ids, weight names and defaults.
     *
     * @throws dev.dream4j.api.CheckpointException naming the file and field that is missing or wrong
     */
    ModelDescription describe(Checkpoint checkpoint);
}
