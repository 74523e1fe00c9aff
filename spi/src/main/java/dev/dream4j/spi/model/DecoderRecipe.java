package dev.dream4j.spi.model;

import java.util.Objects;

/**
 * The layer math of a pre-norm transformer decoder with bidirectional attention, as a family declares it. Backends
 * build their forward pass from these building blocks only: one decoder layer is
 * <pre>
 *   h = x + O(attention(rope(Q(norm(x)) [+ q/k norm]), rope(K(norm(x))), V(norm(x))) * scale) [+ o bias]
 *   x' = h + DOWN(act(GATE(norm(h))) * UP(norm(h)))
 * </pre>
 * then a final norm and the LM head over the rows asked for. Every field is a choice some published family makes;
 * a backend that cannot run one must refuse the model with an {@code UnsupportedFeatureException} naming it.
 *
 * @param norm           the norm of every layer and of the final norm
 * @param normEps        the norm's epsilon (> 0)
 * @param qkvBias        whether q, k and v projections have biases ({@link TensorRole#Q_BIAS} ...)
 * @param outputBias     whether the attention output projection has a bias ({@link TensorRole#O_BIAS})
 * @param qkNorm         whether queries and keys are normed per head, after the projection and before RoPE, with
 *                       {@link TensorRole#Q_NORM}/{@link TensorRole#K_NORM} weights {@code [headDim]}
 * @param activation     the activation applied to the gate projection
 * @param rope           rotary position embedding
 * @param attentionScale the factor on {@code q·k} ({@code 1/sqrt(headDim)} in every family so far)
 * @param tiedEmbeddings whether the LM head is the embedding table
 */
public record DecoderRecipe(Norm norm, double normEps, boolean qkvBias, boolean outputBias, boolean qkNorm,
                            Activation activation, Rope rope, double attentionScale, boolean tiedEmbeddings) {

    /** Norms a backend implements. */
    public enum Norm {
        /** {@code w * x / sqrt(mean(x^2) + eps)}, statistics in fp32 (Llama, Qwen2, OLMo's "rms"). */
        RMS
    }

    /** Activations of the gated MLP. */
    public enum Activation {
        /** {@code x * sigmoid(x)} (SwiGLU). */
        SILU,
        /** {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))} (GeGLU, tanh approximation). */
        GELU_TANH
    }

    /** How rotary embeddings pair the dimensions of a head. */
    public enum RopeStyle {
        /** dimension i with i + d/2 ("rotate half": Llama, Qwen2, OLMo/LLaDA). */
        HALF,
        /** dimension 2i with 2i + 1 (GPT-J). */
        INTERLEAVED
    }

    /**
     * Rotary position embedding: {@code inv_freq[i] = 1 / (theta^(2i/d) * linearScaling)} in fp32, angle
     * {@code position * inv_freq[i]} in fp32.
     *
     * @param theta         the base (> 0)
     * @param style         how dimensions are paired
     * @param linearScaling Hugging Face's {@code rope_scaling {"type": "linear", "factor": f}}; 1 = none
     */
    public record Rope(double theta, RopeStyle style, double linearScaling) {
        public Rope {
            Objects.requireNonNull(style, "style");
            if (!(theta > 0) || Double.isInfinite(theta)) {
                throw new IllegalArgumentException("rope_theta must be a positive finite number, got " + theta);
            }
            if (!(linearScaling >= 1) || Double.isInfinite(linearScaling)) {
                throw new IllegalArgumentException("the rope scaling factor must be a finite number >= 1, got " + linearScaling);
            }
        }

        /** Rotate-half RoPE without scaling. */
        public static Rope half(double theta) {
            return new Rope(theta, RopeStyle.HALF, 1.0);
        }

        /** The fp32 inverse frequencies {@code [d/2]} exactly as Hugging Face computes them. */
        public float[] inverseFrequencies(int headDim) {
            float[] inv = new float[headDim / 2];
            for (int i = 0; i < inv.length; i++) {
                float exponent = (float) (2 * i) / (float) headDim;
                inv[i] = 1.0f / (float) StrictMath.pow(theta, exponent);
                if (linearScaling != 1.0) {
                    inv[i] = inv[i] / (float) linearScaling;
                }
            }
            return inv;
        }
    }

    public DecoderRecipe {
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(rope, "rope");
        if (!(normEps > 0) || !(normEps < 1)) {
            throw new IllegalArgumentException("the norm epsilon must be in (0, 1), got " + normEps);
        }
        if (!(attentionScale > 0) || Double.isInfinite(attentionScale)) {
            throw new IllegalArgumentException("the attention scale must be a positive finite number, got " + attentionScale);
        }
    }

    /** Starts a recipe with the Llama defaults: RMS norm, no biases, no q/k norm, SiLU, scale {@code 1/sqrt(headDim)}. */
    public static Builder builder(int headDim, Rope rope) {
        return new Builder(headDim, rope);
    }

    /** Immutable-result builder; each setter returns the builder. */
    public static final class Builder {
        private Norm norm = Norm.RMS;
        private double normEps = 1e-6;
        private boolean qkvBias;
        private boolean outputBias;
        private boolean qkNorm;
        private Activation activation = Activation.SILU;
        private final Rope rope;
        private double attentionScale;
        private boolean tiedEmbeddings;

        private Builder(int headDim, Rope rope) {
            if (headDim < 1) {
                throw new IllegalArgumentException("head_dim must be positive, got " + headDim);
            }
            this.rope = rope;
            this.attentionScale = 1.0 / Math.sqrt(headDim);
        }

        public Builder norm(Norm norm, double eps) {
            this.norm = norm;
            this.normEps = eps;
            return this;
        }

        public Builder qkvBias(boolean on) {
            this.qkvBias = on;
            return this;
        }

        public Builder outputBias(boolean on) {
            this.outputBias = on;
            return this;
        }

        public Builder qkNorm(boolean on) {
            this.qkNorm = on;
            return this;
        }

        public Builder activation(Activation activation) {
            this.activation = activation;
            return this;
        }

        public Builder attentionScale(double scale) {
            this.attentionScale = scale;
            return this;
        }

        public Builder tiedEmbeddings(boolean tied) {
            this.tiedEmbeddings = tied;
            return this;
        }

        public DecoderRecipe build() {
            return new DecoderRecipe(norm, normEps, qkvBias, outputBias, qkNorm, activation, rope, attentionScale, tiedEmbeddings);
        }
    }
}
