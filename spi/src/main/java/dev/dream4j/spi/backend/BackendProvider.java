package dev.dream4j.spi.backend;

import dev.dream4j.spi.Plugin;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

import java.util.Optional;

/**
 * Makes backends. Discovery constructs providers and calls {@link #name()}, {@link #priority()} and
 * {@link #isAvailable()} / {@link #unavailableReason()} only: none of them may load native code (use a lazy holder
 * inside {@link #open}).
 */
public interface BackendProvider extends Plugin {

    /** Whether {@link #open} can work on this machine; cheap (for example: a class or library file is present). */
    default boolean isAvailable() {
        return true;
    }

    /**
     * Why {@link #open} cannot work on this machine, for {@code dream4j plugins} and for the error when no backend is
     * available; empty when {@link #isAvailable()}. Override it together with {@link #isAvailable()} to say what is
     * missing (a library, a JDK module, a device). Since SPI 2.1.
     */
    default Optional<String> unavailableReason() {
        return isAvailable() ? Optional.empty() : Optional.of("reports itself unavailable on this machine");
    }

    /**
     * Opens a backend over {@code checkpoint}; the checkpoint outlives the backend.
     *
     * @throws dev.dream4j.api.CheckpointException when a weight is missing or of the wrong shape or dtype
     * @throws dev.dream4j.api.BackendException    when the backend cannot start
     */
    Backend open(ModelDescription model, Checkpoint checkpoint, BackendOptions options);
}
