package dev.dream4j.api;

import java.nio.file.Path;
import java.util.Map;

/**
 * Facts about a loaded model.
 *
 * @param directory      the checkpoint directory
 * @param family         the model family plug-in that read it (for example {@code dream})
 * @param backend        the backend plug-in running it (for example {@code java-cpu})
 * @param tokenizer      the tokenizer plug-in
 * @param vocabSize      rows of the embedding and lm_head
 * @param contextLength  the longest canvas (prompt plus new tokens) the model accepts
 * @param specialTokens  special token names ({@code mask}, {@code eos}, {@code pad}, {@code bos}, {@code expand}) to ids
 */
public record ModelInfo(Path directory, String family, String backend, String tokenizer, int vocabSize,
                        int contextLength, Map<String, Integer> specialTokens) {
    public ModelInfo {
        specialTokens = Map.copyOf(specialTokens);
    }
}
