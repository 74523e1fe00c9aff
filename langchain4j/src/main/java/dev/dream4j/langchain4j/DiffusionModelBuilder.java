package dev.dream4j.langchain4j;

import dev.dream4j.Dream4j;
import dev.dream4j.api.CacheMode;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.InvalidRequestException;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What every dream4j LangChain4j model is built from: a loaded {@link DiffusionLM} (the caller keeps owning it) or a
 * checkpoint directory (loaded by {@code build()} with the plug-ins found, and closed with the model), plus the
 * {@link DiffusionSettings}. The built model is immutable.
 *
 * @param <B> the concrete builder
 * @param <M> the model it builds
 */
public abstract class DiffusionModelBuilder<B extends DiffusionModelBuilder<B, M>, M> {
    private DiffusionLM model;
    private Path checkpoint;
    private DiffusionSettings settings = DiffusionSettings.DEFAULTS;
    private String modelName;

    DiffusionModelBuilder() {
    }

    /** A loaded model; closing the LangChain4j model leaves it open. */
    public B model(DiffusionLM model) {
        this.model = Objects.requireNonNull(model, "model");
        this.checkpoint = null;
        return self();
    }

    /** A Hugging Face checkpoint directory, loaded by {@code build()} and closed with the LangChain4j model. */
    public B checkpoint(Path directory) {
        this.checkpoint = Objects.requireNonNull(directory, "directory");
        this.model = null;
        return self();
    }

    /** Every diffusion setting at once. */
    public B settings(DiffusionSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        return self();
    }

    /** The model name reported in responses (default: the checkpoint directory's name). */
    public B modelName(String name) {
        this.modelName = Objects.requireNonNull(name, "name");
        return self();
    }

    public B maxNewTokens(int n) {
        return edit(s -> s.maxNewTokens(n));
    }

    public B steps(int n) {
        return edit(s -> s.steps(n));
    }

    public B sampler(String name) {
        return edit(s -> s.sampler(name));
    }

    public B blockLength(int n) {
        return edit(s -> s.blockLength(n));
    }

    public B cache(CacheMode mode) {
        return edit(s -> s.cache(mode));
    }

    public B threshold(double tau) {
        return edit(s -> s.threshold(tau));
    }

    public B temperature(double t) {
        return edit(s -> s.temperature(t));
    }

    public B seed(long seed) {
        return edit(s -> s.seed(seed));
    }

    /** Builds the model. */
    public abstract M build();

    private B edit(UnaryOperator<DiffusionSettings.Builder> change) {
        this.settings = change.apply(settings.toBuilder()).build();
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    /** The generator the built model runs on. */
    DiffusionGenerator generator() {
        if (model == null && checkpoint == null) {
            throw new InvalidRequestException("model", "a dream4j LangChain4j model needs model(DiffusionLM) or checkpoint(Path)");
        }
        DiffusionLM lm = model != null ? model : Dream4j.load(checkpoint);
        String name = modelName != null ? modelName
                : String.valueOf(lm.info().directory() == null ? "dream4j" : lm.info().directory().getFileName());
        return new DiffusionGenerator(lm, model == null, settings, name);
    }
}
