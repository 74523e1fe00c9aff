package dev.dream4j.samplers;

/** How a confidence sampler scores a masked slot from its (filtered) probabilities and the chosen token. */
enum Confidence {
    /** {@code p(token)}: the probability of the sampled (or argmax) token. */
    MASKGIT_PLUS("maskgit_plus"),
    /** {@code p(1) - p(2)}: the margin between the two largest probabilities, whatever token was drawn. */
    TOPK_MARGIN("topk_margin"),
    /** {@code sum p ln(p + 1e-10)}: negative entropy, larger means more certain. */
    ENTROPY("entropy");

    private final String algName;

    Confidence(String algName) {
        this.algName = algName;
    }

    String algName() {
        return algName;
    }

    float score(float[] p, int vocab, int token) {
        return switch (this) {
            case MASKGIT_PLUS -> p[token];
            case TOPK_MARGIN -> TokenMath.topTwoMargin(p, vocab);
            case ENTROPY -> TokenMath.negativeEntropy(p, vocab);
        };
    }
}
