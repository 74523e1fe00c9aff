package dev.dream4j.api;

import java.util.Locale;

/**
 * Approximate key/value caching for block decoding (Fast-dLLM). Every mode refreshes the cache with one full forward
 * at the start of each block; in between:
 * <ul>
 *   <li>{@link #NONE}: no cache, every step is a full forward over the whole canvas;</li>
 *   <li>{@link #PREFIX}: the block and everything after it are recomputed; keys and values of the slots before the
 *       block come from the cache (stale: computed when the block began);</li>
 *   <li>{@link #DUAL}: only the block is recomputed; the prefix and the suffix come from the cache.</li>
 * </ul>
 * Cached modes need a backend that declares {@code kvCache}; otherwise generation falls back to {@link #NONE} and
 * logs a warning.
 */
public enum CacheMode {
    NONE, PREFIX, DUAL;

    /** The lower-case name used on the command line and in JSON ({@code none}, {@code prefix}, {@code dual}). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code none|prefix|dual} (case-insensitive).
     *
     * @throws InvalidRequestException for any other value
     */
    public static CacheMode parse(String value) {
        if (value != null) {
            for (CacheMode m : values()) {
                if (m.id().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
        }
        throw new InvalidRequestException("cache", "cache must be one of none, prefix, dual; got " + value);
    }
}
