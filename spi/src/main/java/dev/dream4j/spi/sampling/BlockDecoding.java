package dev.dream4j.spi.sampling;

/**
 * Settings of semi-autoregressive block decoding (Fast-dLLM) that a block sampler needs, resolved by the engine.
 *
 * @param blockLength slots per block
 * @param threshold   τ of the threshold rule: commit every candidate whose confidence is at least τ (the most
 *                    confident one always)
 * @param factor      f of the factor rule: commit the top {@code n} while the n-th confidence stays at least
 *                    {@code 1 - f / (n + 1)}
 * @since SPI 1.1 (minor addition)
 */
public record BlockDecoding(int blockLength, double threshold, double factor) {
    /** Fast-dLLM's default block length. */
    public static final int DEFAULT_BLOCK_LENGTH = 32;
    /** Fast-dLLM's default threshold τ. */
    public static final double DEFAULT_THRESHOLD = 0.9;
    /** The default factor f. */
    public static final double DEFAULT_FACTOR = 1.0;

    public BlockDecoding {
        if (blockLength < 1) {
            throw new IllegalArgumentException("blockLength must be positive, got " + blockLength);
        }
    }

    /** Fast-dLLM's defaults. */
    public static BlockDecoding defaults() {
        return new BlockDecoding(DEFAULT_BLOCK_LENGTH, DEFAULT_THRESHOLD, DEFAULT_FACTOR);
    }
}
