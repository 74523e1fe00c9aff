package dev.dream4j.langchain4j;

import dev.dream4j.api.DenoisingListener;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.List;
import java.util.Objects;

/**
 * A LangChain4j {@link StreamingChatModel} answered by a dream4j diffusion language model. A diffusion model does not
 * write left to right: every step commits some slots anywhere in the answer. What is streamed is the <em>settled</em>
 * text, the answer from its start up to the first slot still masked, so partial responses only ever append; the
 * raw denoising steps (canvas, committed positions, forwards) go to the optional {@link DenoisingListener}, which may
 * also stop the generation. The generation runs on the calling thread; the handler is called on it too, and
 * errors (typed {@link dev.dream4j.api.Dream4jException}s among them) go to {@code onError}.
 */
public final class Dream4jStreamingChatModel implements StreamingChatModel, AutoCloseable {
    private final DiffusionGenerator generator;
    private final DenoisingListener steps;

    private Dream4jStreamingChatModel(DiffusionGenerator generator, DenoisingListener steps) {
        this.generator = generator;
        this.steps = steps;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The diffusion settings every call starts from. */
    public DiffusionSettings settings() {
        return generator.settings();
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
        DiffusionGenerator.Outcome o;
        try {
            DiffusionGenerator.checkSupported(request);
            List<String> stops = request.stopSequences() == null ? List.of() : request.stopSequences();
            o = generator.generate(generator.chatPrompt(request.messages()), generator.request(request), stops,
                    handler::onPartialResponse, steps);
        } catch (RuntimeException e) {
            handler.onError(e);
            return;
        }
        handler.onCompleteResponse(Dream4jChatModel.response(generator, o));
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

    /** Builds a {@link Dream4jStreamingChatModel}. */
    public static final class Builder extends DiffusionModelBuilder<Builder, Dream4jStreamingChatModel> {
        private DenoisingListener steps = DenoisingListener.NONE;

        private Builder() {
        }

        /** Receives every denoising step of every call (on the generating thread); returning STOP cancels it. */
        public Builder denoisingListener(DenoisingListener listener) {
            this.steps = Objects.requireNonNull(listener, "listener");
            return this;
        }

        @Override
        public Dream4jStreamingChatModel build() {
            return new Dream4jStreamingChatModel(generator(), steps);
        }
    }
}
