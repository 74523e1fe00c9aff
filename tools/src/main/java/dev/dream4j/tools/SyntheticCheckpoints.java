package dev.dream4j.tools;

import dev.dream4j.checkpoint.SyntheticCheckpoint;

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
}
