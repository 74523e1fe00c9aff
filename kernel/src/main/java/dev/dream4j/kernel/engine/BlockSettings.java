package dev.dream4j.kernel.engine;

import dev.dream4j.api.CacheMode;
import dev.dream4j.spi.sampling.BlockDecoding;

/**
 * Resolved settings of semi-autoregressive block decoding ({@link DenoisingEngine}; without them the
 * engine runs reference decoding, its one-block, no-cache case).
 *
 * @param blockLength   slots per block (the last block may be shorter)
 * @param cache         key/value cache mode; the engine falls back to {@link CacheMode#NONE} when the backend has none
 * @param earlyStop     fill a row's tail with end-of-text once a fully decoded block of it holds end-of-text
 * @param blockSampler  whether the sampler is a block sampler (threshold/factor rule: steps until the block is done);
 *                      otherwise the request's steps are spread over the blocks with Dream's schedule per block
 * @param threshold     τ of the threshold rule
 * @param factor        f of the factor rule
 * @param refreshEvery  0: refresh the cache once per block (Fast-dLLM); 1: refresh on every step (exact, a test and
 *                      diagnostics mode: every step is a full forward through the cache, committing by the sampler's
 *                      rule, so the output equals uncached block decoding)
 */
public record BlockSettings(int blockLength, CacheMode cache, boolean earlyStop, boolean blockSampler, double threshold,
                            double factor, int refreshEvery) {

    public BlockSettings {
        if (blockLength < 1) {
            throw new IllegalArgumentException("blockLength must be positive");
        }
        if (refreshEvery != 0 && refreshEvery != 1) {
            throw new IllegalArgumentException("refreshEvery must be 0 (per block) or 1 (every step)");
        }
    }

    /** What the sampler plug-in is told. */
    public BlockDecoding decoding() {
        return new BlockDecoding(blockLength, threshold, factor);
    }

    public BlockSettings withCache(CacheMode mode) {
        return new BlockSettings(blockLength, mode, earlyStop, blockSampler, threshold, factor, refreshEvery);
    }

    public BlockSettings withRefreshEvery(int every) {
        return new BlockSettings(blockLength, cache, earlyStop, blockSampler, threshold, factor, every);
    }

    public BlockSettings withEarlyStop(boolean on) {
        return new BlockSettings(blockLength, cache, on, blockSampler, threshold, factor, refreshEvery);
    }

    /** Number of blocks over {@code newTokens} slots. */
    public int blocks(int newTokens) {
        return (newTokens + blockLength - 1) / blockLength;
    }
}
