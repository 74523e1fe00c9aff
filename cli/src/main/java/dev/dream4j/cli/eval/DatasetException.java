package dev.dream4j.cli.eval;

import dev.dream4j.api.InvalidRequestException;

import java.nio.file.Path;

/** A dataset file that cannot be read, or a line of it that is not a problem; names the file and the line. */
public final class DatasetException extends InvalidRequestException {
    private final transient Path file;
    private final int line;

    public DatasetException(Path file, int line, String message) {
        super("dataset", file + (line > 0 ? ":" + line : "") + ": " + message);
        this.file = file;
        this.line = line;
    }

    public Path file() {
        return file;
    }

    /** 1-based line number; 0 when the whole file is at fault. */
    public int line() {
        return line;
    }
}
