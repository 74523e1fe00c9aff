package dev.dream4j.api;

/** A request parameter is out of range or inconsistent; nothing was generated. */
public class InvalidRequestException extends Dream4jException {
    private final String parameter;

    public InvalidRequestException(String parameter, String message) {
        super(parameter + ": " + message);
        this.parameter = parameter;
    }

    /** The parameter at fault, in the reference's snake_case spelling (for example {@code top_p}). */
    public String parameter() {
        return parameter;
    }
}
