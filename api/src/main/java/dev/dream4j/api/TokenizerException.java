package dev.dream4j.api;

/** A tokenizer file is malformed or unsupported, or a token id is outside the vocabulary. */
public class TokenizerException extends Dream4jException {
    public TokenizerException(String message) {
        super(message);
    }

    public TokenizerException(String message, Throwable cause) {
        super(message, cause);
    }
}
