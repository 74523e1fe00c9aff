package dev.dream4j.api;

/** The root of every error dream4j reports on purpose. */
public class Dream4jException extends RuntimeException {
    public Dream4jException(String message) {
        super(message);
    }

    public Dream4jException(String message, Throwable cause) {
        super(message, cause);
    }
}
