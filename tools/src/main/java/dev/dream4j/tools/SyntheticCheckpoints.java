package dev.dream4j.tools;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.spi.model.DType;

import java.io.IOException;
import java.nio.file.Path;

/** Random-weight checkpoints of known shapes, for benchmarks that need one without a download. */
public final class SyntheticCheckpoints {
    private SyntheticCheckpoints() {
    }

    /**
     * Writes a Dream checkpoint of the bundled demo model's shape (4 layers, hidden 256, intermediate 704, 4 query and
     * 2 key/value heads) with random weights into {@code directory}.
     *
     * @param maxPositions the longest canvas it accepts
     * @param seed         the weights' seed (same seed, same bytes)
     * @return the checkpoint directory
     */
    public static Path demoShaped(Path directory, int maxPositions, long seed) throws IOException {
        return SyntheticCheckpoint.builder().layers(4).hidden(256).intermediate(704).heads(4).kvHeads(2)
                .maxPositions(maxPositions).seed(seed).build().write(directory);
    }

    /**
     * Writes a Dream-7B-shaped checkpoint (hidden 3584, intermediate 18944, 28 query and 4 key/value heads of 128,
     * vocabulary 152064, RoPE θ 1e6) with random bf16 weights and only {@code layers} layers into {@code directory}:
     * enough to measure per-layer time and memory of the real shape on a small machine.
     */
    public static Path dream7bShaped(Path directory, int layers, long seed) throws IOException {
        return SyntheticCheckpoint.builder().layers(layers).hidden(3584).intermediate(18944).heads(28).kvHeads(4)
                .headDim(128).vocab(152064).ropeTheta(1_000_000).maxPositions(131072).dtype(DType.BF16).seed(seed)
                .build().write(directory);
    }
}
