package dev.dream4j.tokenizer.hf.template;

import dev.dream4j.api.TokenizerException;

/**
 * A template that cannot be parsed, that raised an exception while rendering, or that exceeded a
 * {@linkplain Limits budget}. The message names the template line when it is known.
 */
public final class TemplateException extends TokenizerException {
    private static final long serialVersionUID = 1L;
    private final int line;
    private final String detail;

    public TemplateException(String message) {
        this(message, 0);
    }

    TemplateException(String message, int line) {
        super(line > 0 ? "template line " + line + ": " + message : message);
        this.line = line;
        this.detail = message;
    }

    /** The 1-based template line at fault, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** This error located at {@code templateLine}, unless it already names a line. */
    TemplateException at(int templateLine) {
        return line > 0 || templateLine <= 0 ? this : new TemplateException(detail, templateLine);
    }
}
