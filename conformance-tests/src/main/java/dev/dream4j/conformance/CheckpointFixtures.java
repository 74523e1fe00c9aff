package dev.dream4j.conformance;

import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.family.dream.DreamFamily;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Tiny synthetic Dream checkpoints for conformance tests, written to a temporary directory and opened. Close the
 * returned fixture to unmap and delete it.
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
            return new Opened(dir, cp, new DreamFamily().describe(cp));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The default tiny model: 2 layers, hidden 64, 4 heads over 2 KV heads, bf16. */
    public static Opened tiny() {
        return open(SyntheticCheckpoint.builder().build());
    }
}
