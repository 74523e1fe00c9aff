package dev.dream4j.spi.sampling;

import java.util.Locale;
import java.util.Optional;

/**
 * Dream's confidence measures of {@code sample_tokens} ({@code dream-semantics.md} §3): how sure the model is of a
 * masked slot, from its (filtered) probabilities and the chosen token. Larger is more certain for all three.
 */
public enum Confidence {
    /** {@code p(token)}: the probability of the sampled (or argmax) token. */
    MASKGIT_PLUS("maskgit_plus"),
    /** {@code p(1) - p(2)}: the margin between the two largest probabilities, whatever token was drawn. */
    TOPK_MARGIN("topk_margin"),
    /** {@code sum p ln(p + 1e-10)}: negative entropy. */
    ENTROPY("entropy");

    private final String id;

    Confidence(String id) {
        this.id = id;
    }

    /** The reference's {@code alg} name. */
    public String id() {
        return id;
    }

    /** The measure whose {@code alg} name is {@code name} (case-insensitive); empty for {@code origin} or unknown names. */
    public static Optional<Confidence> byId(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (Confidence c : values()) {
            if (c.id.equals(n)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The confidence of {@code token} under the probabilities {@code p[0 .. n)}. */
    public float score(float[] p, int n, int token) {
        return switch (this) {
            case MASKGIT_PLUS -> p[token];
            case TOPK_MARGIN -> TokenMath.topTwoMargin(p, n);
            case ENTROPY -> TokenMath.negativeEntropy(p, n);
        };
    }
}
