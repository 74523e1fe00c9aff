package dev.dream4j.tokenizer;

import java.nio.file.Path;

/** Loads tokenizers from checkpoint directories. Cheap to construct; {@link #supports} only looks at file names. */
public interface TokenizerProvider {

    String name();

    default int priority() {
        return 0;
    }

    default String description() {
        return "";
    }

    /** Whether {@code directory} has the files this provider reads. */
    boolean supports(Path directory);

    /**
     * Loads the tokenizer of {@code directory}.
     *
     * @throws dev.dream4j.api.TokenizerException naming the file and field that is malformed or unsupported
     */
    Tokenizer load(Path directory);
}
