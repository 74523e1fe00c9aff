package dev.dream4j.langchain4j;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;

import java.util.List;

/**
 * A LangChain4j {@link ChatModel} answered by a dream4j diffusion language model: the messages go through the
 * checkpoint's chat template, the whole answer is denoised at once, and the reply is the decoded answer cut at
 * end-of-text (and at the first stop sequence). Works with {@code AiServices}. Tools, JSON response mode and
 * frequency/presence penalties are refused with {@link dev.dream4j.api.UnsupportedFeatureException}.
 *
 * <pre>{@code
 * ChatModel chat = Dream4jChatModel.builder().checkpoint(Path.of("/models/Dream-Coder-v0-Instruct-7B"))
 *         .maxNewTokens(256).steps(256).sampler("entropy").temperature(0.1).build();
 * String answer = chat.chat("Write quicksort in Python.");
 * }</pre>
 */
public final class Dream4jChatModel implements ChatModel, AutoCloseable {
    private final DiffusionGenerator generator;

    private Dream4jChatModel(DiffusionGenerator generator) {
        this.generator = generator;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The diffusion settings every call starts from. */
    public DiffusionSettings settings() {
        return generator.settings();
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
        DiffusionGenerator.checkSupported(request);
        List<String> stops = request.stopSequences() == null ? List.of() : request.stopSequences();
        DiffusionGenerator.Outcome o = generator.generate(generator.chatPrompt(request.messages()),
                generator.request(request), stops, null, dev.dream4j.api.DenoisingListener.NONE);
        return response(generator, o);
    }

    static ChatResponse response(DiffusionGenerator generator, DiffusionGenerator.Outcome o) {
        return ChatResponse.builder()
                .aiMessage(AiMessage.from(o.text()))
                .modelName(generator.modelName())
                .tokenUsage(o.usage())
                .finishReason(o.finish())
                .build();
    }

    @Override
    public ModelProvider provider() {
        return ModelProvider.OTHER;
    }

    /** Closes the model when it was loaded from a checkpoint path by the builder. */
    @Override
    public void close() {
        generator.close();
    }

    /** Builds a {@link Dream4jChatModel}. */
    public static final class Builder extends DiffusionModelBuilder<Builder, Dream4jChatModel> {
        private Builder() {
        }

        @Override
        public Dream4jChatModel build() {
            return new Dream4jChatModel(generator());
        }
    }
}
