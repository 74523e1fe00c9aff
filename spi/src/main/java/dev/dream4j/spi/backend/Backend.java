package dev.dream4j.spi.backend;

import dev.dream4j.spi.model.ModelDescription;

/**
 * Runs the model: one {@link #forward} is one full pass of the bidirectional decoder over a batch of canvases,
 * returning fp32 logits for the requested rows only, unshifted (row j is the output at position j).
 */
public interface Backend extends AutoCloseable {

    ModelDescription model();

    BackendCapabilities capabilities();

    /**
     * One forward pass.
     *
     * @throws dev.dream4j.api.InvalidRequestException for token ids outside the vocabulary, positions beyond
     *                                                 {@code max_position_embeddings}, or a batch too large
     */
    Logits forward(ForwardBatch batch);

    /**
     * Opens an approximate key/value cache for one generation over canvases of {@code batch × length} slots.
     * Backends whose {@link BackendCapabilities#kvCache()} is false keep this default.
     *
     * @throws dev.dream4j.api.UnsupportedFeatureException when the backend has no cache
     */
    default KvCache openCache(int batch, int length) {
        throw new dev.dream4j.api.UnsupportedFeatureException("kv-cache",
                "this backend declares no key/value cache (BackendCapabilities.kvCache is false)");
    }

    /** Releases native memory and threads; no {@code forward} may be running. */
    @Override
    void close();
}
