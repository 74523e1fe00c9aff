package dev.dream4j.kernel;

import dev.dream4j.spi.model.DecoderRecipe;
import dev.dream4j.spi.model.GenerationDefaults;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.SpecialTokens;
import dev.dream4j.spi.model.TensorMap;
import dev.dream4j.spi.model.TensorRole;

import java.util.OptionalInt;

/** Descriptions of tiny models for kernel tests whose backends are scripted (no weights are ever read). */
public final class ScriptedModels {
    private ScriptedModels() {
    }

    /** A 1-layer, head_dim 4 description with the given vocabulary, special ids, shift and context. */
    public static ModelDescription describe(int vocab, int mask, int pad, int shift, int context) {
        ModelSpec spec = new ModelSpec(4, 8, 1, 1, 1, 4, vocab, context);
        String l = "layers." + TensorMap.LAYER + ".";
        TensorMap tensors = TensorMap.builder().put(TensorRole.EMBEDDING, "embed").put(TensorRole.FINAL_NORM, "norm")
                .put(TensorRole.LM_HEAD, "head").put(TensorRole.ATTENTION_NORM, l + "an").put(TensorRole.Q, l + "q")
                .put(TensorRole.K, l + "k").put(TensorRole.V, l + "v").put(TensorRole.O, l + "o")
                .put(TensorRole.MLP_NORM, l + "mn").put(TensorRole.GATE, l + "g").put(TensorRole.UP, l + "u")
                .put(TensorRole.DOWN, l + "d").build();
        return new ModelDescription("test", spec, DecoderRecipe.builder(4, DecoderRecipe.Rope.half(10000)).build(), tensors,
                new SpecialTokens(mask, pad, pad, OptionalInt.empty(), OptionalInt.empty(), pad), shift,
                GenerationDefaults.none(), context);
    }
}
