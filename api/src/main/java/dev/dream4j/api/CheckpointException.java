package dev.dream4j.api;

import java.nio.file.Path;
import java.util.Optional;

/** A checkpoint file is missing, malformed or unsupported. Names the file and, when known, the tensor or field. */
public class CheckpointException extends Dream4jException {
    private final Path file;
    private final String item;

    public CheckpointException(Path file, String item, String message) {
        super(format(file, item, message));
        this.file = file;
        this.item = item;
    }

    public CheckpointException(Path file, String item, String message, Throwable cause) {
        super(format(file, item, message), cause);
        this.file = file;
        this.item = item;
    }

    private static String format(Path file, String item, String message) {
        StringBuilder sb = new StringBuilder();
        sb.append(file == null ? "<checkpoint>" : file.toString());
        if (item != null) {
            sb.append(" [").append(item).append(']');
        }
        return sb.append(": ").append(message).toString();
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The tensor or config field at fault, when the error concerns one. */
    public Optional<String> item() {
        return Optional.ofNullable(item);
    }
}
