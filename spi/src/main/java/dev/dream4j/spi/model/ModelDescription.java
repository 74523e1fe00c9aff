package dev.dream4j.spi.model;

import java.util.Objects;

/**
 * Everything a family tells the engine and the backends about a checkpoint: the engine and the backends hold no
 * family knowledge beyond this record.
 *
 * @param family        the family plug-in's name
 * @param spec          the decoder's dimensions
 * @param recipe        the decoder's layer math
 * @param tensors       where each weight tensor is
 * @param tokens        special ids
 * @param logitShift    how many positions predictions are shifted: 1 for Dream (slot j is predicted by row j-1),
 *                      0 for LLaDA (slot j by row j)
 * @param defaults      generation defaults as the family's reference runs them
 * @param contextLength the longest canvas the engine accepts (prompt + new tokens)
 * @param paddedPositions how a left-padded canvas numbers its positions
 */
public record ModelDescription(String family, ModelSpec spec, DecoderRecipe recipe, TensorMap tensors,
                               SpecialTokens tokens, int logitShift, GenerationDefaults defaults, int contextLength,
                               PaddedPositions paddedPositions) {

    /** Position ids of a row that is left-padded to the batch's longest prompt. */
    public enum PaddedPositions {
        /**
         * Positions count the visible slots ({@code cumsum(attention_mask) - 1}; padding slots get 1), as Dream's
         * {@code diffusion_generate} builds them: a padded row decodes as it would alone.
         */
        COUNT_VISIBLE,
        /** Positions are the slot index {@code 0..L-1} whatever the padding, as LLaDA's model numbers them. */
        SLOT_INDEX
    }

    /** A description whose padded rows count visible positions ({@link PaddedPositions#COUNT_VISIBLE}). */
    public ModelDescription(String family, ModelSpec spec, DecoderRecipe recipe, TensorMap tensors, SpecialTokens tokens,
                            int logitShift, GenerationDefaults defaults, int contextLength) {
        this(family, spec, recipe, tensors, tokens, logitShift, defaults, contextLength, PaddedPositions.COUNT_VISIBLE);
    }

    public ModelDescription {
        Objects.requireNonNull(paddedPositions, "paddedPositions");
        Objects.requireNonNull(family);
        Objects.requireNonNull(spec);
        Objects.requireNonNull(recipe);
        Objects.requireNonNull(tensors);
        Objects.requireNonNull(tokens);
        Objects.requireNonNull(defaults);
        if (logitShift < 0 || logitShift > 1) {
            throw new IllegalArgumentException("logitShift must be 0 or 1, got " + logitShift);
        }
        if (recipe.tiedEmbeddings() != tensors.tiedEmbeddings()) {
            throw new IllegalArgumentException("the recipe says tied embeddings = " + recipe.tiedEmbeddings()
                    + " but the tensor map's LM head is " + tensors.name(TensorRole.LM_HEAD));
        }
        if (contextLength < 1) {
            throw new IllegalArgumentException("contextLength must be positive, got " + contextLength);
        }
    }
}
