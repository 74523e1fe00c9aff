package dev.dream4j.api;

import java.util.List;
import java.util.Objects;

/** What a generation starts from. */
public sealed interface Prompt {

    /** Plain text, tokenized without special tokens. */
    record Text(String text) implements Prompt {
        public Text {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Chat messages rendered with the checkpoint's chat template, generation prompt appended. */
    record Chat(List<ChatMessage> messages) implements Prompt {
        public Chat {
            messages = List.copyOf(messages);
        }
    }

    /** Exact token ids, bypassing the tokenizer. */
    record Tokens(List<Integer> ids) implements Prompt {
        public Tokens {
            ids = List.copyOf(ids);
        }
    }

    static Prompt text(String text) {
        return new Text(text);
    }

    static Prompt chat(List<ChatMessage> messages) {
        return new Chat(messages);
    }

    static Prompt tokens(List<Integer> ids) {
        return new Tokens(ids);
    }
}
