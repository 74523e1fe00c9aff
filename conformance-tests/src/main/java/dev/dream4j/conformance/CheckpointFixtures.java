package dev.dream4j.conformance;

import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.DecoderRecipe;
import dev.dream4j.spi.model.TensorMap;
import dev.dream4j.spi.model.TensorRole;
import dev.dream4j.spi.model.ModelFamily;
import java.util.List;
import java.util.ServiceLoader;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny synthetic checkpoints for conformance tests, in every published layout, written to a temporary directory,
 * opened and described by the installed family plug-in that accepts them (found with {@code ServiceLoader}: the suite
 * hard-wires no family). Close the returned fixture to unmap and delete it.
 */
public final class CheckpointFixtures {

    private CheckpointFixtures() {
    }

    /** An opened checkpoint and its description. */
    public record Opened(Path directory, Checkpoint checkpoint, ModelDescription model) implements AutoCloseable {
        @Override
        public void close() {
            checkpoint.close();
            try (var files = Files.walk(directory)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Writes {@code spec} to a fresh temporary directory and opens it. */
    public static Opened open(SyntheticCheckpoint spec) {
        try {
            Path dir = spec.write(Files.createTempDirectory("dream4j-fixture-"));
            Checkpoint cp = HfCheckpoint.open(dir);
            try {
                return new Opened(dir, cp, describe(cp));
            } catch (RuntimeException e) {
                cp.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Describes {@code checkpoint} with the installed family that accepts its {@code config.json}.
     *
     * @throws IllegalStateException when no installed family accepts it
     */
    public static ModelDescription describe(Checkpoint checkpoint) {
        for (ModelFamily f : ServiceLoader.load(ModelFamily.class, CheckpointFixtures.class.getClassLoader())) {
            if (f.accepts(checkpoint.config())) {
                return f.describe(checkpoint);
            }
        }
        throw new IllegalStateException("no installed model family accepts " + checkpoint.directory()
                + ": put that family's plug-in on the test path");
    }

    /**
     * The fidelity matrix every backend runs: each family layout, RoPE θ 1e6 and 5e5, bf16, f16 and f32 weights,
     * head_dim 128 with grouped-query attention, bias (Dream) and no-bias (LLaDA) projections, non-default norm
     * epsilons. A backend that ignores rope_theta, the norm epsilon, the attention scale, position ids or f16 decoding
     * fails at least one of them at the default tolerance.
     */
    public static List<SyntheticCheckpoint> familyMatrix() {
        return List.of(
                SyntheticCheckpoint.builder().ropeTheta(1e6).rmsNormEps(1e-6).dtype(DType.BF16).seed(11).build(),
                SyntheticCheckpoint.builder().layers(1).hidden(256).heads(2).kvHeads(1).headDim(128).intermediate(96)
                        .ropeTheta(1e6).dtype(DType.F16).seed(12).build(),
                SyntheticCheckpoint.builder().layout(SyntheticCheckpoint.Layout.LLADA).ropeTheta(5e5).rmsNormEps(1e-5)
                        .dtype(DType.BF16).seed(13).build(),
                SyntheticCheckpoint.builder().layout(SyntheticCheckpoint.Layout.LLADA).layers(1).hidden(256).heads(2)
                        .kvHeads(1).intermediate(96).ropeTheta(5e5).rmsNormEps(0.05).dtype(DType.F32).seed(14).build());
    }

    /** The default tiny model: 2 layers, hidden 64, 4 heads over 2 KV heads, bf16. */
    public static Opened tiny() {
        return open(SyntheticCheckpoint.builder().build());
    }

    /**
     * A Qwen2-style recipe (RMS 1e-6, q/k/v biases, SiLU, θ 10000, untied) for scripted models that run no forward:
     * engine, sampler and infill harnesses.
     */
    public static DecoderRecipe qwen2Recipe(int headDim) {
        return DecoderRecipe.builder(headDim, DecoderRecipe.Rope.half(10000)).qkvBias(true).build();
    }

    /** Tensor names for {@link #qwen2Recipe}: the Hugging Face Qwen2 layout, untied. */
    public static TensorMap qwen2Tensors() {
        String l = "model.layers." + TensorMap.LAYER + ".";
        return TensorMap.builder()
                .put(TensorRole.EMBEDDING, "model.embed_tokens.weight").put(TensorRole.FINAL_NORM, "model.norm.weight")
                .put(TensorRole.LM_HEAD, "lm_head.weight").put(TensorRole.ATTENTION_NORM, l + "input_layernorm.weight")
                .put(TensorRole.Q, l + "self_attn.q_proj.weight").put(TensorRole.K, l + "self_attn.k_proj.weight")
                .put(TensorRole.V, l + "self_attn.v_proj.weight").put(TensorRole.Q_BIAS, l + "self_attn.q_proj.bias")
                .put(TensorRole.K_BIAS, l + "self_attn.k_proj.bias").put(TensorRole.V_BIAS, l + "self_attn.v_proj.bias")
                .put(TensorRole.O, l + "self_attn.o_proj.weight").put(TensorRole.MLP_NORM, l + "post_attention_layernorm.weight")
                .put(TensorRole.GATE, l + "mlp.gate_proj.weight").put(TensorRole.UP, l + "mlp.up_proj.weight")
                .put(TensorRole.DOWN, l + "mlp.down_proj.weight").build();
    }
}
