package dev.dream4j.tokenizer;

import dev.dream4j.api.ChatMessage;

import java.util.List;

/** A chat template, as in {@code tokenizer_config.json}'s {@code chat_template}. */
public interface ChatTemplate {

    String render(List<ChatMessage> messages, boolean addGenerationPrompt);
}
