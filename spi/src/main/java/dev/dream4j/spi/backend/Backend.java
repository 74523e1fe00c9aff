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

    /** Releases native memory and threads; no {@code forward} may be running. */
    @Override
    void close();
}
