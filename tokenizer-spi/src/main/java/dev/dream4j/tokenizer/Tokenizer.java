package dev.dream4j.tokenizer;

import dev.dream4j.api.ChatMessage;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Text to token ids and back. Thread-safe. */
public interface Tokenizer {

    /** Ids of {@code text}; {@code addSpecialTokens} adds what the tokenizer config asks for (for example bos). */
    int[] encode(String text, boolean addSpecialTokens);

    /**
     * Text of {@code ids}.
     *
     * @throws dev.dream4j.api.TokenizerException naming an id outside the vocabulary
     */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** A decoder for ids arriving one at a time; it never emits half a UTF-8 sequence. */
    StreamingDecoder streamingDecoder(boolean skipSpecialTokens);

    /** The id of a token string (regular or added), if the vocabulary has it. */
    OptionalInt tokenId(String token);

    /** The string of a token id, if the id is in the vocabulary. */
    Optional<String> token(int id);

    /** Ids the tokenizer knows (regular and added); ids at or above it are unknown. */
    int vocabSize();

    /** Whether {@code id} is a special (added, {@code special: true}) token. */
    boolean isSpecial(int id);

    /** The checkpoint's chat template, if it has one. */
    Optional<ChatTemplate> chatTemplate();

    /** Renders {@code messages} with the chat template and the generation prompt. */
    default String applyChatTemplate(List<ChatMessage> messages) {
        return chatTemplate()
                .orElseThrow(() -> new dev.dream4j.api.TokenizerException("the tokenizer has no chat_template"))
                .render(messages, true);
    }
}
