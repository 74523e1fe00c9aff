package dev.dream4j.family.llada;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dream4j.api.CheckpointException;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.spi.model.DecoderRecipe;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.TensorRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LladaFamilyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final SyntheticCheckpoint spec = SyntheticCheckpoint.builder().layout(SyntheticCheckpoint.Layout.LLADA)
            .hidden(64).heads(4).kvHeads(2).intermediate(96).ropeTheta(500000).rmsNormEps(1e-5).build();

    private Path checkpoint(Consumer<ObjectNode> edit) throws IOException {
        Path d = spec.write(dir.resolve("ck"));
        ObjectNode config = (ObjectNode) JSON.readTree(d.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(d.resolve("config.json").toFile(), config);
        return d;
    }

    private ModelDescription describe(Path d) {
        try (HfCheckpoint cp = HfCheckpoint.open(d)) {
            LladaFamily family = new LladaFamily();
            assertTrue(family.accepts(cp.config()));
            return family.describe(cp);
        }
    }

    @Test
    void readsThePublishedKeysNamesAndNoShift() throws IOException {
        Map<String, Integer> ids = spec.specialIds();
        ModelDescription m = describe(checkpoint(c -> { }));
        assertEquals("llada", m.family());
        assertEquals(0, m.logitShift(), "LLaDA predicts slot j from row j");
        assertEquals(ModelDescription.PaddedPositions.SLOT_INDEX, m.paddedPositions(), "LLaDA numbers slots 0..L-1 under padding");
        assertEquals(64, m.spec().hiddenSize());
        assertEquals(96, m.spec().intermediateSize());
        assertEquals(4, m.spec().numHeads());
        assertEquals(2, m.spec().numKvHeads());
        assertEquals(16, m.spec().headDim());
        assertEquals(ids.get("<|mask|>"), m.tokens().mask());
        assertEquals(ids.get("<|endoftext|>"), m.tokens().eos());
        assertEquals(500000.0, m.recipe().rope().theta());
        assertEquals(1e-5, m.recipe().normEps());
        assertFalse(m.recipe().qkvBias());
        assertEquals(DecoderRecipe.Activation.SILU, m.recipe().activation());
        assertEquals("model.transformer.wte.weight", m.tensors().name(TensorRole.EMBEDDING));
        assertEquals("model.transformer.ff_out.weight", m.tensors().name(TensorRole.LM_HEAD));
        assertEquals("model.transformer.ln_f.weight", m.tensors().name(TensorRole.FINAL_NORM));
        assertEquals("model.transformer.blocks.1.attn_out.weight", m.tensors().name(TensorRole.O, 1));
        assertEquals("model.transformer.blocks.0.ff_proj.weight", m.tensors().name(TensorRole.GATE, 0));
        assertEquals("model.transformer.blocks.0.up_proj.weight", m.tensors().name(TensorRole.UP, 0));
        assertEquals("model.transformer.blocks.0.ff_out.weight", m.tensors().name(TensorRole.DOWN, 0));
        assertFalse(m.tensors().has(TensorRole.Q_BIAS));
        assertEquals("low_confidence", m.defaults().alg().orElseThrow());
        assertEquals(128, m.defaults().maxNewTokens().getAsInt());
        assertTrue(m.defaults().topK().isEmpty(), "LLaDA's generate() has no top-k");
    }

    @Test
    void embeddingSizeSetsTheLogitWidthAndMultiQueryAttentionOneKvHead() throws IOException {
        ModelDescription m = describe(checkpoint(c -> {
            c.put("multi_query_attention", true);
        }));
        assertEquals(1, m.spec().numKvHeads());
        CheckpointException small = assertThrows(CheckpointException.class,
                () -> describe(checkpoint(c -> c.put("embedding_size", 3))));
        assertTrue(small.getMessage().contains("embedding_size"), small.getMessage());
    }

    @Test
    void optionsTheRecipeCannotRunAreRefusedByKey() throws IOException {
        for (String key : new String[]{"alibi", "attention_layer_norm", "scale_logits", "input_emb_norm", "include_bias"}) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> describe(checkpoint(c -> c.put(key, true))), key);
            assertTrue(e.getMessage().contains(key), e.getMessage());
        }
        CheckpointException block = assertThrows(CheckpointException.class,
                () -> describe(checkpoint(c -> c.put("block_type", "sequential"))));
        assertTrue(block.getMessage().contains("block_type"), block.getMessage());
        CheckpointException norm = assertThrows(CheckpointException.class,
                () -> describe(checkpoint(c -> c.put("layer_norm_type", "default"))));
        assertTrue(norm.getMessage().contains("layer_norm_type"), norm.getMessage());
        CheckpointException clip = assertThrows(CheckpointException.class, () -> describe(checkpoint(c -> c.put("clip_qkv", 8.0))));
        assertTrue(clip.getMessage().contains("clip_qkv"), clip.getMessage());
        CheckpointException theta = assertThrows(CheckpointException.class, () -> describe(checkpoint(c -> c.put("rope_theta", 0))));
        assertTrue(theta.getMessage().contains("rope_theta"), theta.getMessage());
    }

    @Test
    void aDreamConfigIsNotAccepted() throws IOException {
        Path d = SyntheticCheckpoint.builder().build().write(dir.resolve("dream"));
        try (HfCheckpoint cp = HfCheckpoint.open(d)) {
            assertFalse(new LladaFamily().accepts(cp.config()));
        }
    }
}
