package dev.dream4j.spi.model;

/**
 * The shape of a Qwen2-style bidirectional decoder, read from {@code config.json}.
 *
 * @param attentionBias whether q/k/v projections have biases (Qwen2 and Dream: true)
 */
public record ModelSpec(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads,
                        int headDim, int vocabSize, double ropeTheta, double rmsNormEps, int maxPositionEmbeddings,
                        boolean tieWordEmbeddings, boolean attentionBias) {

    public ModelSpec {
        if (hiddenSize < 1 || intermediateSize < 1 || numLayers < 1 || numHeads < 1 || numKvHeads < 1 || headDim < 2
                || vocabSize < 1 || maxPositionEmbeddings < 1) {
            throw new IllegalArgumentException("every dimension must be positive: " + dims(hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, vocabSize));
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numHeads + " is not a multiple of num_key_value_heads " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + headDim + " must be even for rotary embeddings");
        }
    }

    private static String dims(int... d) {
        return java.util.Arrays.toString(d);
    }

    public int qDim() {
        return numHeads * headDim;
    }

    public int kvDim() {
        return numKvHeads * headDim;
    }

    /** Multiply-adds of one forward over {@code tokens} positions, of which {@code logitRows} go through lm_head. */
    public double forwardFlops(long tokens, long logitRows, long attendedKeys) {
        double perTokenProj = 2.0 * hiddenSize * (qDim() + 2L * kvDim() + qDim()) + 2.0 * 3 * (double) hiddenSize * intermediateSize;
        double attention = 2.0 * 2.0 * numHeads * headDim * (double) attendedKeys;
        return numLayers * tokens * (perTokenProj + attention) + 2.0 * logitRows * hiddenSize * (double) vocabSize;
    }
}
