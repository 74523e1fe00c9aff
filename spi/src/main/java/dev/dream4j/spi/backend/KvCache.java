package dev.dream4j.spi.backend;

/**
 * An approximate key/value cache for Fast-dLLM block decoding, opened per generation with
 * {@link Backend#openCache(int, int)}. Keys are stored after RoPE (positions never move), so a cached key equals what
 * a full forward would compute for the same token and position at the time of the last {@link #refresh}.
 *
 * <p>Semantics, for a canvas of {@code length} slots per row:
 * <ul>
 *   <li>{@link #refresh}: a full forward over every slot, exactly as {@link Backend#forward}, which also stores the
 *       keys and values of every slot and layer;</li>
 *   <li>{@link #window}: recomputes only the slots {@code [from, to)} of every row (queries, keys and values of those
 *       slots are fresh, from the batch's current tokens); attention sees the fresh keys of the window and the
 *       <em>cached</em> keys of every slot outside it, under the batch's visibility mask. Prefix caching is
 *       {@code window(batch, blockStart, length)}; dual caching is {@code window(batch, blockStart, blockEnd)}. The
 *       cache is not changed by a window call.</li>
 * </ul>
 * Rows asked for in a window must lie inside it. Not thread-safe: one generation uses it.
 */
public interface KvCache extends AutoCloseable {

    /** Full forward; refreshes every cached key and value. */
    Logits refresh(ForwardBatch batch);

    /** Forward of slots {@code [from, to)} of every row against the cache; see the class comment. */
    Logits window(ForwardBatch batch, int from, int to);

    /** Releases the cache's memory. */
    @Override
    void close();
}
