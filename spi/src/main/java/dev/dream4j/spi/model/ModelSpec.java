package dev.dream4j.spi.model;

import java.util.Arrays;

/**
 * The dimensions of a decoder, read from {@code config.json} by its family. The layer math is in
 * {@link DecoderRecipe}. Every dimension is checked against an explicit limit, so a hostile config fails here with the
 * field named instead of exhausting memory later.
 *
 * @param vocabSize     rows of the LM head: the width of a logits row
 * @param embeddingRows rows of the embedding table: input ids must be below it (equal to {@code vocabSize} in
 *                      every family so far; OLMo-style configs call it {@code embedding_size})
 */
public record ModelSpec(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads,
                        int headDim, int vocabSize, int embeddingRows, int maxPositionEmbeddings) {

    /** Largest accepted layer count. */
    public static final int MAX_LAYERS = 1024;
    /** Largest accepted hidden, intermediate and head size. */
    public static final int MAX_WIDTH = 1 << 20;
    /** Largest accepted head count. */
    public static final int MAX_HEADS = 4096;
    /** Largest accepted vocabulary / embedding row count. */
    public static final int MAX_VOCAB = 1 << 24;
    /** Largest accepted position count. */
    public static final int MAX_POSITIONS = 1 << 24;

    public ModelSpec {
        check("hidden_size", hiddenSize, MAX_WIDTH);
        check("intermediate_size", intermediateSize, MAX_WIDTH);
        check("num_hidden_layers", numLayers, MAX_LAYERS);
        check("num_attention_heads", numHeads, MAX_HEADS);
        check("num_key_value_heads", numKvHeads, MAX_HEADS);
        check("head_dim", headDim, MAX_WIDTH);
        check("vocab_size", vocabSize, MAX_VOCAB);
        check("embedding rows", embeddingRows, MAX_VOCAB);
        check("max_position_embeddings", maxPositionEmbeddings, MAX_POSITIONS);
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads " + numHeads + " is not a multiple of num_key_value_heads " + numKvHeads);
        }
        if (headDim % 2 != 0) {
            throw new IllegalArgumentException("head_dim " + headDim + " must be even for rotary embeddings");
        }
        if ((long) numHeads * headDim > MAX_WIDTH) {
            throw new IllegalArgumentException("num_attention_heads x head_dim = " + ((long) numHeads * headDim)
                    + " exceeds the limit " + MAX_WIDTH);
        }
    }

    /** The common case: embedding rows = LM head rows. */
    public ModelSpec(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int numKvHeads, int headDim,
                     int vocabSize, int maxPositionEmbeddings) {
        this(hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads, headDim, vocabSize, vocabSize, maxPositionEmbeddings);
    }

    private static void check(String field, int value, int limit) {
        if (value < 1 || value > limit) {
            throw new IllegalArgumentException(field + " must be in [1, " + limit + "], got " + value);
        }
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

    @Override
    public String toString() {
        return "ModelSpec" + Arrays.toString(new int[]{hiddenSize, intermediateSize, numLayers, numHeads, numKvHeads,
                headDim, vocabSize, embeddingRows, maxPositionEmbeddings});
    }
}
