package dev.dream4j.spi.backend;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * How the user wants a backend run.
 *
 * @param threads    worker threads (empty: the backend decides, usually all cores)
 * @param device     {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto} (empty: the backend's default)
 * @param properties backend-specific settings, by name
 */
public record BackendOptions(OptionalInt threads, Optional<String> device, Map<String, String> properties) {
    /** The most worker threads a backend is asked for: more than this many per core only adds contention. */
    public static final int MAX_THREADS_PER_CORE = 4;

    public BackendOptions {
        properties = Map.copyOf(properties);
        int max = maxThreads();
        if (threads.isPresent() && (threads.getAsInt() < 1 || threads.getAsInt() > max)) {
            throw new dev.dream4j.api.InvalidRequestException("threads", "threads must be in [1, " + max + "] ("
                    + MAX_THREADS_PER_CORE + " per core), got " + threads.getAsInt());
        }
    }

    /** {@value #MAX_THREADS_PER_CORE} per available core. */
    public static int maxThreads() {
        return MAX_THREADS_PER_CORE * Runtime.getRuntime().availableProcessors();
    }

    public static BackendOptions defaults() {
        return new BackendOptions(OptionalInt.empty(), Optional.empty(), Map.of());
    }

    public BackendOptions withThreads(int n) {
        return new BackendOptions(OptionalInt.of(n), device, properties);
    }

    public BackendOptions withDevice(String d) {
        return new BackendOptions(threads, Optional.of(d), properties);
    }

    /** The thread count to use: the option, or the machine's available processors. */
    public int threadsOrAvailable() {
        return threads.orElse(Runtime.getRuntime().availableProcessors());
    }
}
