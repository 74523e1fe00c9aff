package dev.dream4j.tokenizer.hf;

/** An entry of tokenizer.json's {@code added_tokens} (or tokenizer_config.json's {@code added_tokens_decoder}). */
record AddedToken(int id, String content, boolean special, boolean lstrip, boolean rstrip, boolean normalized,
                  boolean singleWord) {
}
