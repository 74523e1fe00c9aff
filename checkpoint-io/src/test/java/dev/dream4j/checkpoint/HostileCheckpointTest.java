package dev.dream4j.checkpoint;

import dev.dream4j.api.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hostile checkpoint directories: every failure a CheckpointException naming the file, nothing read from outside. */
class HostileCheckpointTest {

    @TempDir
    Path dir;

    private static final String TENSOR = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";

    private static byte[] safetensors(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }

    private Path checkpoint(String config, String header) throws IOException {
        Files.writeString(dir.resolve("config.json"), config);
        Files.write(dir.resolve("model.safetensors"), safetensors(header, 4));
        return dir;
    }

    private CheckpointException fails(Path d) {
        return assertThrows(CheckpointException.class, () -> HfCheckpoint.open(d).close());
    }

    @Test
    void nullDocumentsAreTyped() throws IOException {
        assertTrue(fails(checkpoint("null", TENSOR)).getMessage().contains("config.json"));
        assertTrue(fails(checkpoint("{}", "null")).getMessage().contains("model.safetensors"));
        checkpoint("{}", TENSOR);
        Files.writeString(dir.resolve("model.safetensors.index.json"), "null");
        assertTrue(fails(dir).getMessage().contains("index"));
        Files.delete(dir.resolve("model.safetensors.index.json"));
        Files.writeString(dir.resolve("generation_config.json"), "null");
        try (HfCheckpoint cp = HfCheckpoint.open(dir)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> cp.json("generation_config.json"));
            assertTrue(e.getMessage().contains("generation_config.json"), e.getMessage());
        }
    }

    @Test
    void shapeProductOverflowIsTyped() throws IOException {
        CheckpointException e = fails(checkpoint("{}",
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}"));
        assertEquals("w", e.item().orElseThrow());
        assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        // 2^64 would be truncated to 0 by longValue(): refused instead
        fails(checkpoint("{}", "{\"w\":{\"dtype\":\"F32\",\"shape\":[18446744073709551616, 0],\"data_offsets\":[0,0]}}"));
        fails(checkpoint("{}", "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}"));
    }

    @Test
    void oddShardNamesAreTyped() throws IOException {
        checkpoint("{}", TENSOR);
        Files.delete(dir.resolve("model.safetensors"));
        for (String shard : new String[] {"a\\u0000b.safetensors", "..", ".", "", "x".repeat(300)}) {
            Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"w\":\"" + shard + "\"}}");
            CheckpointException e = fails(dir);
            assertFalse(e.getMessage().contains("\u0000"), "no raw control characters in the message");
        }
    }

    @Test
    void oversizedHeaderIsRefusedBeforeParsing() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(SafetensorsFile.DEFAULT_MAX_HEADER_BYTES + 1);
        try (var ch = java.nio.channels.FileChannel.open(dir.resolve("model.safetensors"),
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(b.flip());
            ch.position(SafetensorsFile.DEFAULT_MAX_HEADER_BYTES + 100).write(ByteBuffer.wrap(new byte[] {0})); // sparse
        }
        assertTrue(fails(dir).getMessage().contains("exceeds the limit"));
    }

    @Test
    void devicesAndFifosAreNotReadAsConfigs() throws Exception {
        checkpoint("{}", TENSOR);
        Files.delete(dir.resolve("config.json"));
        Path fifo = dir.resolve("config.json");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        if (p.waitFor() == 0) {
            assertTrue(fails(dir).getMessage().contains("not a regular file"));
        }
    }

    @Test
    void symlinksOutOfTheDirectoryAreRefusedWithoutEchoingContent(@TempDir Path outside) throws IOException {
        checkpoint("{}", TENSOR);
        Path secret = outside.resolve("secret");
        Files.writeString(secret, "root:x:0:0:root:/root:/bin/bash\n");
        Files.delete(dir.resolve("model.safetensors"));
        Files.createSymbolicLink(dir.resolve("model.safetensors"), secret);
        CheckpointException e = fails(dir);
        assertTrue(e.getMessage().contains("outside the model directory"), e.getMessage());
        assertFalse(e.getMessage().contains("root"), e.getMessage());
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("model.safetensors"), safetensors(TENSOR, 4));
        Files.createSymbolicLink(dir.resolve("tokenizer.json"), secret);
        assertFalse(fails(dir).getMessage().contains("root:"));
    }

    @Test
    void huggingFaceCacheSnapshotsMayLinkIntoTheirOwnBlobs(@TempDir Path cache) throws IOException {
        Path repo = cache.resolve("models--org--model");
        Path blobs = Files.createDirectories(repo.resolve("blobs"));
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve("abc123"));
        Files.writeString(blobs.resolve("c0ffee"), "{\"model_type\":\"Dream\"}");
        Files.write(blobs.resolve("beef"), safetensors(TENSOR, 4));
        Files.createSymbolicLink(snapshot.resolve("config.json"), Path.of("../../blobs/c0ffee"));
        Files.createSymbolicLink(snapshot.resolve("model.safetensors"), Path.of("../../blobs/beef"));
        try (HfCheckpoint cp = HfCheckpoint.open(snapshot)) {
            assertEquals("Dream", cp.config().values().get("model_type"));
            assertEquals(1, cp.tensorNames().size());
        }
        // another repository's blobs are outside
        Path other = Files.createDirectories(cache.resolve("models--evil--x").resolve("blobs"));
        Files.writeString(other.resolve("c0ffee"), "{}");
        Files.delete(snapshot.resolve("config.json"));
        Files.createSymbolicLink(snapshot.resolve("config.json"), other.resolve("c0ffee"));
        fails(snapshot);
    }
}
