package dev.dream4j.infill.dreamon;

import dev.dream4j.api.InvalidRequestException;

import java.util.Locale;

/** Dream's confidence measures of {@code sample_tokens} ({@code dream-semantics.md} §3). */
enum Confidence {
    /** The probability of the chosen token. */
    MASKGIT_PLUS("maskgit_plus"),
    /** The margin {@code p1 - p2} between the two most likely tokens. */
    TOPK_MARGIN("topk_margin"),
    /** Negative entropy {@code Σ p ln(p + 1e-10)}; larger is more certain. */
    ENTROPY("entropy");

    private final String id;

    Confidence(String id) {
        this.id = id;
    }

    String id() {
        return id;
    }

    /**
     * The algorithm called {@code name}.
     *
     * @throws InvalidRequestException ({@code alg}) for {@code origin} or an unknown name
     */
    static Confidence of(String name) {
        if (name == null) {
            throw new InvalidRequestException("alg", "a confidence algorithm is needed: entropy, maskgit_plus or topk_margin");
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Confidence c : values()) {
            if (c.id.equals(n)) {
                return c;
            }
        }
        if (n.equals("origin")) {
            throw new InvalidRequestException("alg", "infilling commits by confidence; 'origin' has no confidence"
                    + " (the DreamOn reference raises on it). Use entropy, maskgit_plus or topk_margin");
        }
        throw new InvalidRequestException("alg", "unknown confidence algorithm '" + name
                + "'; expected entropy, maskgit_plus or topk_margin");
    }

    /** The confidence of {@code token} under the probabilities {@code p[0 .. n)}. */
    float score(float[] p, int n, int token) {
        return switch (this) {
            case MASKGIT_PLUS -> p[token];
            case TOPK_MARGIN -> TokenScorer.topTwoMargin(p, n);
            case ENTROPY -> TokenScorer.negativeEntropy(p, n);
        };
    }
}
