package dev.dream4j.spi.model;

/**
 * What a weight tensor is for in a decoder, independent of how a family names it. Per-layer roles are resolved with a
 * layer index ({@link TensorMap#name(TensorRole, int)}); global roles without one.
 */
public enum TensorRole {
    /** Token embedding table {@code [embeddingRows, hidden]}. */
    EMBEDDING(false),
    /** Final norm weight {@code [hidden]}. */
    FINAL_NORM(false),
    /** Output projection {@code [vocab, hidden]} (the embedding table itself when the recipe ties them). */
    LM_HEAD(false),
    /** Norm before attention {@code [hidden]}. */
    ATTENTION_NORM(true),
    /** Query projection {@code [heads * headDim, hidden]}. */
    Q(true),
    /** Key projection {@code [kvHeads * headDim, hidden]}. */
    K(true),
    /** Value projection {@code [kvHeads * headDim, hidden]}. */
    V(true),
    /** Query bias {@code [heads * headDim]} (recipe {@code qkvBias}). */
    Q_BIAS(true),
    /** Key bias {@code [kvHeads * headDim]} (recipe {@code qkvBias}). */
    K_BIAS(true),
    /** Value bias {@code [kvHeads * headDim]} (recipe {@code qkvBias}). */
    V_BIAS(true),
    /** Per-head query norm {@code [headDim]} (recipe {@code qkNorm}). */
    Q_NORM(true),
    /** Per-head key norm {@code [headDim]} (recipe {@code qkNorm}). */
    K_NORM(true),
    /** Attention output projection {@code [hidden, heads * headDim]}. */
    O(true),
    /** Attention output bias {@code [hidden]} (recipe {@code outputBias}). */
    O_BIAS(true),
    /** Norm before the MLP {@code [hidden]}. */
    MLP_NORM(true),
    /** The MLP projection that goes through the activation {@code [intermediate, hidden]}. */
    GATE(true),
    /** The MLP projection that multiplies the activated one {@code [intermediate, hidden]}. */
    UP(true),
    /** The MLP output projection {@code [hidden, intermediate]}. */
    DOWN(true);

    private final boolean perLayer;

    TensorRole(boolean perLayer) {
        this.perLayer = perLayer;
    }

    /** Whether the role has one tensor per layer. */
    public boolean perLayer() {
        return perLayer;
    }
}
