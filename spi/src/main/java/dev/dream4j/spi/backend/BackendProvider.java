package dev.dream4j.spi.backend;

import dev.dream4j.spi.Plugin;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

/**
 * Makes backends. Discovery constructs providers and calls {@link #name()}, {@link #priority()} and
 * {@link #isAvailable()} only: none of them may load native code (use a lazy holder inside {@link #open}).
 */
public interface BackendProvider extends Plugin {

    /** Whether {@link #open} can work on this machine; cheap (for example: a class or library file is present). */
    default boolean isAvailable() {
        return true;
    }

    /**
     * Opens a backend over {@code checkpoint}; the checkpoint outlives the backend.
     *
     * @throws dev.dream4j.api.CheckpointException when a weight is missing or of the wrong shape or dtype
     * @throws dev.dream4j.api.BackendException    when the backend cannot start
     */
    Backend open(ModelDescription model, Checkpoint checkpoint, BackendOptions options);
}
