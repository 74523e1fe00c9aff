package dev.dream4j.api;

/** A backend could not start or run (missing native library, device error, bad input to a forward pass). */
public class BackendException extends Dream4jException {
    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
