package dev.dream4j.tokenizer;

/**
 * Incremental decoding: the concatenation of everything {@link #push} and {@link #finish} return equals
 * {@code decode} of all ids pushed.
 */
public interface StreamingDecoder {

    /** Text that became complete with {@code id} (possibly empty). */
    String push(int id);

    /** Whatever remains (an incomplete UTF-8 sequence becomes U+FFFD, as decode does). */
    String finish();
}
