package dev.dream4j.cli;

import dev.dream4j.api.InvalidRequestException;

/**
 * The explicit bounds of numeric options (docs/limits.md): values past them would start thousands of threads,
 * allocate gigabytes or write thousands of files before anything useful happens.
 */
final class OptionLimits {
    /** Samples per prompt; each needs its own canvas and activations. */
    static final int MAX_RETURN_SEQUENCES = 256;
    /** The longest benchmark canvas (also bounded by the model's context length). */
    static final int MAX_CANVAS = 1 << 20;
    /** Token ids on one command line. */
    static final int MAX_IDS = 1 << 20;

    private OptionLimits() {
    }

    /** Worker threads: at most 4 per available processor (and at least 1). */
    /** The same cap the API applies ({@code BackendOptions.MAX_THREADS_PER_CORE} per core). */
    static int maxThreads() {
        return 4 * Runtime.getRuntime().availableProcessors();
    }

    /**
     * {@code value} when it is in [min, max].
     *
     * @throws InvalidRequestException naming the option otherwise
     */
    static int check(String option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidRequestException(option, "must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** {@link #check} for an optional value. */
    static Integer check(String option, Integer value, int min, int max) {
        return value == null ? null : check(option, value.intValue(), min, max);
    }
}
