package dev.dream4j.api;

/** The kinds of plug-in dream4j discovers, each with the word users see for it. */
public enum PluginKind {
    BACKEND("backend"),
    SAMPLER("sampler"),
    LOGITS_PROCESSOR("logits-processor"),
    TOKENIZER("tokenizer"),
    MODEL_FAMILY("model-family"),
    INFILL("infill-strategy"),
    EXPORTER("exporter");

    private final String label;

    PluginKind(String label) {
        this.label = label;
    }

    /** The user-facing word ({@code dream4j plugins}, error messages). */
    public String label() {
        return label;
    }
}
