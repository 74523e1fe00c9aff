package dev.dream4j.langchain4j;

import dev.dream4j.api.DenoisingListener;
import dev.langchain4j.model.language.LanguageModel;
import dev.langchain4j.model.output.Response;

import java.util.List;

/**
 * A LangChain4j {@link LanguageModel} (plain completion): the prompt is tokenized as it is, without a chat template,
 * and the masked answer after it is denoised. For code completion ({@code "def fibonacci(n):"}).
 */
public final class Dream4jLanguageModel implements LanguageModel, AutoCloseable {
    private final DiffusionGenerator generator;

    private Dream4jLanguageModel(DiffusionGenerator generator) {
        this.generator = generator;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The diffusion settings every call uses. */
    public DiffusionSettings settings() {
        return generator.settings();
    }

    @Override
    public Response<String> generate(String prompt) {
        List<Integer> ids = generator.promptIds(prompt);
        DiffusionGenerator.Outcome o = generator.generate(ids, generator.request(), List.of(), null, DenoisingListener.NONE);
        return Response.from(o.text(), o.usage(), o.finish());
    }

    /** Closes the model when it was loaded from a checkpoint path by the builder. */
    @Override
    public void close() {
        generator.close();
    }

    /** Builds a {@link Dream4jLanguageModel}. */
    public static final class Builder extends DiffusionModelBuilder<Builder, Dream4jLanguageModel> {
        private Builder() {
        }

        @Override
        public Dream4jLanguageModel build() {
            return new Dream4jLanguageModel(generator());
        }
    }
}
