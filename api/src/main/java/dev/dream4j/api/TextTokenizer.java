package dev.dream4j.api;

import java.util.List;

/** Text to token ids and back, with the checkpoint's chat template: what a tokenizer offers applications. */
public interface TextTokenizer {

    /** Token ids of {@code text}, without special tokens added. */
    default List<Integer> encode(String text) {
        return encode(text, false);
    }

    /** Token ids of {@code text}; with {@code addSpecialTokens}, what {@code tokenizer_config.json} asks for (bos …). */
    List<Integer> encode(String text, boolean addSpecialTokens);

    /** Text of {@code ids}; special tokens are kept unless {@code skipSpecialTokens}. */
    String decode(List<Integer> ids, boolean skipSpecialTokens);

    /** Renders the checkpoint's chat template with the generation prompt appended. */
    String renderChat(List<ChatMessage> messages);

    /** Tokens the tokenizer knows (may be fewer than the model's embedding rows). */
    int vocabSize();
}
