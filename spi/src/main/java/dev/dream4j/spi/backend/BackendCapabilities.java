package dev.dream4j.spi.backend;

import dev.dream4j.spi.model.DType;

import java.util.Set;

/**
 * What a backend can do.
 *
 * @param maxBatch          the largest batch one forward accepts
 * @param concurrentForward whether several threads may call {@code forward} at once
 * @param kvCache           whether approximate key/value caching is implemented (Fast-dLLM)
 * @param weightTypes       checkpoint dtypes it reads
 */
public record BackendCapabilities(int maxBatch, boolean concurrentForward, boolean kvCache, Set<DType> weightTypes) {
    public BackendCapabilities {
        weightTypes = Set.copyOf(weightTypes);
    }
}
