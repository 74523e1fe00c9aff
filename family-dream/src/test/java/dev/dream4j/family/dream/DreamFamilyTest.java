package dev.dream4j.family.dream;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DreamFamilyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A synthetic checkpoint whose config.json is edited by {@code edit}. */
    private Path checkpoint(Consumer<ObjectNode> edit) throws IOException {
        Path d = SyntheticCheckpoint.builder().build().write(dir.resolve("ck"));
        ObjectNode config = (ObjectNode) JSON.readTree(d.resolve("config.json").toFile());
        edit.accept(config);
        JSON.writeValue(d.resolve("config.json").toFile(), config);
        return d;
    }

    private ModelDescription describe(Path d) {
        try (HfCheckpoint cp = HfCheckpoint.open(d)) {
            return new DreamFamily().describe(cp);
        }
    }

    @Test
    void readsShapeIdsShiftAndDefaults() throws IOException {
        SyntheticCheckpoint spec = SyntheticCheckpoint.builder().build();
        Map<String, Integer> ids = spec.specialIds();
        ModelDescription m = describe(checkpoint(c -> { }));
        assertEquals(64, m.spec().hiddenSize());
        assertEquals(16, m.spec().headDim());
        assertEquals(1, m.logitShift());
        assertEquals(ids.get("<|mask|>"), m.tokens().mask());
        assertEquals(ids.get("<|endoftext|>"), m.tokens().eos());
        assertEquals(m.tokens().eos(), m.tokens().delete(), "DreamOn deletes with the eos id");
        assertEquals(ids.get("<|expand|>"), m.tokens().expand().getAsInt());
        assertEquals("entropy", m.defaults().alg().orElseThrow());
        assertEquals("lm_head.weight", m.tensors().name(TensorRole.LM_HEAD));
        assertEquals("model.layers.1.self_attn.q_proj.bias", m.tensors().name(TensorRole.Q_BIAS, 1));
        assertEquals("model.layers.0.mlp.gate_proj.weight", m.tensors().name(TensorRole.GATE, 0));
        assertTrue(m.recipe().qkvBias() && !m.recipe().outputBias() && !m.recipe().qkNorm());
        assertEquals(DecoderRecipe.Activation.SILU, m.recipe().activation());
        assertEquals(1.0 / Math.sqrt(16), m.recipe().attentionScale(), 1e-15);
    }

    @Test
    void withoutGenerationConfigTheReferenceDefaultsApplyIncludingLegacyTopK50() throws IOException {
        Path d = checkpoint(c -> { });
        Files.delete(d.resolve("generation_config.json"));
        ModelDescription m = describe(d);
        // DreamGenerationConfig's defaults, plus transformers' GenerationConfig top_k = 50 that diffusion_generate
        // inherits when called without a generation config (as the Dream, Dream-Coder and DreamOn READMEs call it)
        assertEquals(512, m.defaults().steps().getAsInt());
        assertEquals("origin", m.defaults().alg().orElseThrow());
        assertEquals(1e-3, m.defaults().eps().getAsDouble());
        assertEquals(0.0, m.defaults().temperature().getAsDouble());
        assertEquals(50, m.defaults().topK().getAsInt());
        assertTrue(m.defaults().topP().isEmpty());
    }

    @Test
    void generationConfigTopKWinsOverTheLegacyDefault() throws IOException {
        Path d = checkpoint(c -> { });
        ObjectNode g = (ObjectNode) JSON.readTree(d.resolve("generation_config.json").toFile());
        g.put("top_k", 7);
        JSON.writeValue(d.resolve("generation_config.json").toFile(), g);
        assertEquals(7, describe(d).defaults().topK().getAsInt());
    }

    @Test
    void badRopeThetaOrNormEpsilonNamesTheFile() throws IOException {
        CheckpointException theta = assertThrows(CheckpointException.class, () -> describe(checkpoint(c -> c.put("rope_theta", -1))));
        assertTrue(theta.getMessage().contains("rope_theta"), theta.getMessage());
        CheckpointException eps = assertThrows(CheckpointException.class, () -> describe(checkpoint(c -> c.put("rms_norm_eps", -1e-6))));
        assertTrue(eps.getMessage().contains("epsilon"), eps.getMessage());
        CheckpointException layers = assertThrows(CheckpointException.class,
                () -> describe(checkpoint(c -> c.put("num_hidden_layers", 2147483647))));
        assertTrue(layers.getMessage().contains("num_hidden_layers"), layers.getMessage());
    }

    @Test
    void missingFieldNamesFileAndField() throws IOException {
        Path d = checkpoint(c -> c.remove("hidden_size"));
        var e = assertThrows(CheckpointException.class, () -> describe(d));
        assertEquals("hidden_size", e.item().orElseThrow());
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void wrongTypeIsNamed() throws IOException {
        Path d = checkpoint(c -> c.put("num_hidden_layers", "four"));
        var e = assertThrows(CheckpointException.class, () -> describe(d));
        assertEquals("num_hidden_layers", e.item().orElseThrow());
        assertTrue(e.getMessage().contains("expected an integer"), e.getMessage());
    }

    @Test
    void maskIdFallsBackToTheTokenizersAddedToken() throws IOException {
        int mask = SyntheticCheckpoint.builder().build().specialIds().get("<|mask|>");
        ModelDescription m = describe(checkpoint(c -> c.remove("mask_token_id")));
        // generation_config.json carries it too; remove that as well to reach the tokenizer.
        Path d = dir.resolve("ck");
        Files.writeString(d.resolve("generation_config.json"), "{}");
        assertEquals(mask, describe(d).tokens().mask());
        assertEquals(mask, m.tokens().mask());
    }

    @Test
    void tokenIdOutsideTheVocabularyIsRefused() throws IOException {
        Path d = checkpoint(c -> c.put("mask_token_id", 1_000_000));
        var e = assertThrows(CheckpointException.class, () -> describe(d));
        assertEquals("mask_token_id", e.item().orElseThrow());
    }

    @Test
    void eosMayBeAList() throws IOException {
        ModelDescription m = describe(checkpoint(c -> c.putArray("eos_token_id").add(448).add(449)));
        assertEquals(448, m.tokens().eos());
    }

    @Test
    void ropeScalingIsRefusedRatherThanIgnored() throws IOException {
        Path d = checkpoint(c -> c.putObject("rope_scaling").put("type", "yarn"));
        var e = assertThrows(CheckpointException.class, () -> describe(d));
        assertEquals("rope_scaling", e.item().orElseThrow());
    }

    @Test
    void acceptsOnlyDreamModelTypes() throws IOException {
        Path d = checkpoint(c -> c.put("model_type", "llama"));
        try (HfCheckpoint cp = HfCheckpoint.open(d)) {
            assertFalse(new DreamFamily().accepts(cp.config()));
        }
    }
}
