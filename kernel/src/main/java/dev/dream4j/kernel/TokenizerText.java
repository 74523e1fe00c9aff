package dev.dream4j.kernel;

import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.TextTokenizer;
import dev.dream4j.tokenizer.Tokenizer;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/** A tokenizer plug-in as applications see it. */
record TokenizerText(Tokenizer tokenizer) implements TextTokenizer {
    TokenizerText {
        Objects.requireNonNull(tokenizer, "tokenizer");
    }

    @Override
    public List<Integer> encode(String text, boolean addSpecialTokens) {
        return Arrays.stream(tokenizer.encode(text, addSpecialTokens)).boxed().toList();
    }

    @Override
    public String decode(List<Integer> ids, boolean skipSpecialTokens) {
        return tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray(), skipSpecialTokens);
    }

    @Override
    public String renderChat(List<ChatMessage> messages) {
        return tokenizer.applyChatTemplate(messages);
    }

    @Override
    public int vocabSize() {
        return tokenizer.vocabSize();
    }
}
