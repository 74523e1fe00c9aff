package dev.dream4j.conformance;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.checkpoint.JsonFiles;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.spi.SpiVersion;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.JsonConfig;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelFamily;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.TensorRole;
import dev.dream4j.spi.model.TensorView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model family conformance suite (rules F0-F7 in {@code conformance-tests/RULES.md}): extend it in the family's
 * tests, return the family and a checkpoint in its published layout.
 *
 * <pre>{@code
 * class MyFamilyConformanceTest extends ModelFamilyConformance {
 *     protected ModelFamily family() { return new MyFamily(); }
 *     protected SyntheticCheckpoint layout() { return SyntheticCheckpoint.builder().layout(...).build(); }
 *     protected List<String> requiredConfigKeys() { return List.of("hidden_size", ...); }
 * }
 * }</pre>
 */
public abstract class ModelFamilyConformance {

    /** The family under test. */
    protected abstract ModelFamily family();

    /** A small checkpoint in the family's published layout (its {@code config.json} keys and tensor names). */
    protected abstract SyntheticCheckpoint layout();

    /** {@code config.json} keys without which the family cannot describe a checkpoint (rule F5). */
    protected abstract List<String> requiredConfigKeys();

    @TempDir
    Path tmp;

    private Path write(String name) throws IOException {
        return layout().write(tmp.resolve(name));
    }

    private ModelDescription describe(Path dir) {
        try (Checkpoint cp = HfCheckpoint.open(dir)) {
            return family().describe(cp);
        }
    }

    /** Rule F0: a well-formed plug-in. */
    @Test
    public void rule_F0_providerIsWellFormed() {
        ModelFamily f = family();
        assertTrue(f.name().matches("[a-z0-9][a-z0-9._-]*"), "[F0] name: " + f.name());
        assertEquals(SpiVersion.MAJOR, f.spiVersion(), "[F0] SPI major version");
        assertFalse(f.description().isBlank(), "[F0] description");
    }

    /** Rule F1: accepts its own layout, and never throws on configs it does not know. */
    @Test
    public void rule_F1_acceptsItsLayoutAndNothingOdd() throws IOException {
        try (Checkpoint cp = HfCheckpoint.open(write("own"))) {
            assertTrue(family().accepts(cp.config()), "[F1] must accept its published layout");
        }
        Path file = tmp.resolve("config.json");
        List<Map<String, Object>> odd = new ArrayList<>();
        odd.add(Map.of());
        odd.add(Map.of("model_type", 7));
        odd.add(Map.of("model_type", List.of("x")));
        odd.add(Map.of("model_type", "no-such-family-" + family().name()));
        Map<String, Object> nullType = new LinkedHashMap<>();
        nullType.put("model_type", null);
        odd.add(nullType);
        for (Map<String, Object> values : odd) {
            JsonConfig config = new JsonConfig(file, values);
            boolean accepted = assertDoesNotThrow(() -> family().accepts(config), "[F1] accepts threw on " + values);
            assertFalse(accepted, "[F1] accepted " + values);
        }
    }

    /** Rule F2: the description is consistent with the checkpoint: every tensor exists with the shape the spec implies. */
    @Test
    public void rule_F2_everyTensorOfTheMapExistsWithItsShape() throws IOException {
        Path dir = write("shapes");
        try (Checkpoint cp = HfCheckpoint.open(dir)) {
            ModelDescription m = family().describe(cp);
            ModelSpec s = m.spec();
            assertEquals(m.recipe().qkvBias(), m.tensors().has(TensorRole.Q_BIAS), "[F2] q/k/v bias roles iff the recipe has biases");
            assertEquals(m.recipe().outputBias(), m.tensors().has(TensorRole.O_BIAS), "[F2] o bias role iff the recipe has it");
            assertEquals(m.recipe().qkNorm(), m.tensors().has(TensorRole.Q_NORM), "[F2] q/k norm roles iff the recipe has them");
            for (TensorRole role : TensorRole.values()) {
                if (!m.tensors().has(role)) {
                    continue;
                }
                long[] expected = expectedShape(role, s);
                for (int l = 0; l < (role.perLayer() ? s.numLayers() : 1); l++) {
                    String name = role.perLayer() ? m.tensors().name(role, l) : m.tensors().name(role);
                    assertTrue(cp.hasTensor(name), "[F2] " + role + " names '" + name + "', which the checkpoint lacks");
                    TensorView t = cp.tensor(name);
                    assertTrue(Arrays.equals(expected, t.shape()), "[F2] " + name + ": shape " + Arrays.toString(t.shape())
                            + ", the spec implies " + Arrays.toString(expected));
                }
            }
            Set<String> named = m.tensors().allNames(s.numLayers());
            for (String present : cp.tensorNames()) {
                assertTrue(named.contains(present), "[F2] the checkpoint's tensor '" + present + "' has no role");
            }
        }
    }

    private static long[] expectedShape(TensorRole role, ModelSpec s) {
        long h = s.hiddenSize();
        return switch (role) {
            case EMBEDDING -> new long[]{s.embeddingRows(), h};
            case LM_HEAD -> new long[]{s.vocabSize(), h};
            case FINAL_NORM, ATTENTION_NORM, MLP_NORM, O_BIAS -> new long[]{h};
            case Q -> new long[]{s.qDim(), h};
            case K, V -> new long[]{s.kvDim(), h};
            case Q_BIAS -> new long[]{s.qDim()};
            case K_BIAS, V_BIAS -> new long[]{s.kvDim()};
            case Q_NORM, K_NORM -> new long[]{s.headDim()};
            case O -> new long[]{h, s.qDim()};
            case GATE, UP -> new long[]{s.intermediateSize(), h};
            case DOWN -> new long[]{h, s.intermediateSize()};
        };
    }

    /** Rule F3: special ids lie in the vocabulary, the mask differs from end-of-text, the shift is 0 or 1. */
    @Test
    public void rule_F3_specialIdsAndShiftAreSane() throws IOException {
        ModelDescription m = describe(write("ids"));
        int vocab = m.spec().vocabSize();
        for (var e : m.tokens().asMap().entrySet()) {
            assertTrue(e.getValue() >= 0 && e.getValue() < vocab, "[F3] " + e.getKey() + " id " + e.getValue() + " outside [0, " + vocab + ")");
        }
        assertTrue(m.tokens().mask() != m.tokens().eos(), "[F3] the mask token must not be end-of-text");
        assertTrue(m.logitShift() == 0 || m.logitShift() == 1, "[F3] logit shift " + m.logitShift());
        assertEquals(family().name(), m.family(), "[F3] the description names its family");
    }

    /** Rule F4: the family declares a default sampler and valid default settings. */
    @Test
    public void rule_F4_defaultsAreComplete() throws IOException {
        ModelDescription m = describe(write("defaults"));
        assertTrue(m.defaults().alg().isPresent() && !m.defaults().alg().get().isBlank(), "[F4] a default sampler");
        m.defaults().steps().ifPresent(v -> assertTrue(v >= 1, "[F4] steps " + v));
        m.defaults().maxNewTokens().ifPresent(v -> assertTrue(v >= 1, "[F4] max_new_tokens " + v));
        m.defaults().temperature().ifPresent(v -> assertTrue(v >= 0 && Double.isFinite(v), "[F4] temperature " + v));
        m.defaults().topP().ifPresent(v -> assertTrue(v > 0 && v <= 1, "[F4] top_p " + v));
        m.defaults().eps().ifPresent(v -> assertTrue(v > 0 && v < 1, "[F4] eps " + v));
        assertTrue(m.contextLength() >= 2 && m.contextLength() <= m.spec().maxPositionEmbeddings(), "[F4] context length " + m.contextLength());
    }

    /** Rule F5: a missing required key or a non-numeric dimension is a CheckpointException naming config.json. */
    @Test
    public void rule_F5_badConfigsAreCheckpointErrors() throws IOException {
        assertFalse(requiredConfigKeys().isEmpty(), "[F5] name the required keys");
        for (String key : requiredConfigKeys()) {
            for (Object bad : new Object[]{null, "many", -4}) {
                Path dir = write("bad-" + key + "-" + bad);
                editConfig(dir, key, bad);
                CheckpointException e = assertThrows(CheckpointException.class, () -> describe(dir),
                        "[F5] " + key + " = " + bad + " must be refused");
                assertTrue(e.getMessage().contains("config.json"), "[F5] the message names the file: " + e.getMessage());
            }
        }
    }

    /** Rule F6: a hostile dimension fails in describe, with the key named, not later with OutOfMemoryError. */
    @Test
    public void rule_F6_hugeDimensionsAreRefusedEarly() throws IOException {
        for (String key : requiredConfigKeys()) {
            Path dir = write("huge-" + key);
            editConfig(dir, key, Integer.MAX_VALUE);
            CheckpointException e = assertThrows(CheckpointException.class, () -> describe(dir), "[F6] " + key + " = 2^31-1");
            assertTrue(e.getMessage().contains("config.json"), "[F6] " + e.getMessage());
        }
    }

    /** Rule F7: the description runs: the reference decoder gives finite logits of the declared width. */
    @Test
    public void rule_F7_theDescriptionRuns() throws IOException {
        try (Checkpoint cp = HfCheckpoint.open(write("runs"))) {
            ModelDescription m = family().describe(cp);
            int[] tokens = {1, 2, 3, m.tokens().mask(), m.tokens().mask()};
            double[][] logits = new ReferenceDecoder(m, cp).forward(ForwardBatch.single(tokens, ForwardBatch.allRows(1, tokens.length)));
            for (double[] row : logits) {
                assertEquals(m.spec().vocabSize(), row.length, "[F7] logits width");
                assertTrue(Arrays.stream(row).allMatch(Double::isFinite), "[F7] finite logits");
            }
        }
    }

    private static void editConfig(Path dir, String key, Object value) throws IOException {
        Path file = dir.resolve("config.json");
        JsonFiles json = new JsonFiles();
        Map<String, Object> config = new LinkedHashMap<>(json.read(file).values());
        if (value == null) {
            config.remove(key);
        } else {
            config.put(key, value);
        }
        json.write(file, config);
    }
}
