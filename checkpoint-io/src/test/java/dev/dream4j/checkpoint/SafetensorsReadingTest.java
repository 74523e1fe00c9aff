package dev.dream4j.checkpoint;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.TensorView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading hand-built safetensors files: the bytes below are written by hand, not by {@link SafetensorsWriter}. */
class SafetensorsReadingTest {

    @TempDir
    Path dir;

    private static final String CONFIG = "{\"model_type\":\"Dream\"}";

    /** A checkpoint directory whose model.safetensors has {@code header} and {@code data}. */
    private Path checkpoint(String header, byte[] data) throws IOException {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Files.write(dir.resolve("model.safetensors"), b.array());
        return dir;
    }

    private static byte[] le(short... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (short v : values) b.putShort(v);
        return b.array();
    }

    @Test
    void readsEachDtypeInPlace() throws IOException {
        // bf16 0x3F80 = 1.0, 0xC000 = -2.0; f16 0x3C00 = 1.0, 0xC500 = -5.0; f32 0.25 = 0x3E800000
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3F80).putShort((short) 0xC000).putShort((short) 0x3C00).putShort((short) 0xC500).putFloat(0.25f);
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F16\",\"shape\":[1,2],\"data_offsets\":[4,8]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}";
        try (HfCheckpoint cp = HfCheckpoint.open(checkpoint(header, data.array()))) {
            assertEquals(1.0f, cp.tensor("a").getFloat(0));
            assertEquals(-2.0f, cp.tensor("a").getFloat(1));
            assertEquals(DType.F16, cp.tensor("b").dtype());
            assertEquals(1.0f, cp.tensor("b").getFloat(0));
            assertEquals(-5.0f, cp.tensor("b").getFloat(1));
            assertEquals(0.25f, cp.tensor("c").getFloat(0));
            assertEquals(1, cp.tensor("c").elementCount());
        }
    }

    @Test
    void truncatedFileNamesTheFile() throws IOException {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        Files.write(dir.resolve("model.safetensors"), new byte[]{1, 2, 3});
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("model.safetensors") && e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void headerLengthPastTheEnd() throws IOException {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000L);
        Files.write(dir.resolve("model.safetensors"), b.array());
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("header length 1000000 does not fit"), e.getMessage());
    }

    @Test
    void negativeHeaderLengthIsRejected() throws IOException {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(-5L);
        Files.write(dir.resolve("model.safetensors"), b.array());
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void malformedHeaderJson() throws IOException {
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(checkpoint("{\"a\": [", new byte[0])));
        assertTrue(e.getMessage().contains("malformed JSON"), e.getMessage());
        assertEquals("header", e.item().orElseThrow());
    }

    @Test
    void overlappingOffsetsNameBothTensors() throws IOException {
        String header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(checkpoint(header, new byte[12])));
        assertEquals("y", e.item().orElseThrow());
        assertTrue(e.getMessage().contains("overlap tensor x"), e.getMessage());
    }

    @Test
    void outOfBoundsOffsets() throws IOException {
        String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(checkpoint(header, new byte[8])));
        assertEquals("w", e.item().orElseThrow());
        assertTrue(e.getMessage().contains("out of bounds"), e.getMessage());
    }

    @Test
    void unknownDtype() throws IOException {
        String header = "{\"w\":{\"dtype\":\"I4\",\"shape\":[2],\"data_offsets\":[0,1]}}";
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(checkpoint(header, new byte[1])));
        assertEquals("w", e.item().orElseThrow());
        assertTrue(e.getMessage().contains("unsupported dtype I4"), e.getMessage());
    }

    @Test
    void shapeAndByteCountMismatch() throws IOException {
        String header = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3,2],\"data_offsets\":[0,10]}}";
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(checkpoint(header, new byte[10])));
        assertEquals("w", e.item().orElseThrow());
        assertTrue(e.getMessage().contains("needs 12 bytes but data_offsets span 10"), e.getMessage());
    }

    @Test
    void missingTensorIsNamed() throws IOException {
        String header = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}";
        try (HfCheckpoint cp = HfCheckpoint.open(checkpoint(header, le((short) 0)))) {
            var e = assertThrows(CheckpointException.class, () -> cp.tensor("model.norm.weight"));
            assertEquals("model.norm.weight", e.item().orElseThrow());
        }
    }

    @Test
    void missingWeightsFile() throws IOException {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("no weights"), e.getMessage());
    }

    @Test
    void missingConfig() {
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(dir));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("not found"), e.getMessage());
    }

    @Test
    void indexNamingATensorTheShardLacks() throws IOException {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).putFloat(3f);
        Files.write(dir.resolve("s1.safetensors"), b.array());
        Files.writeString(dir.resolve("model.safetensors.index.json"),
                "{\"metadata\":{},\"weight_map\":{\"a\":\"s1.safetensors\",\"b\":\"s1.safetensors\"}}");
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(dir));
        assertEquals("b", e.item().orElseThrow());
        assertTrue(e.getMessage().contains("s1.safetensors"), e.getMessage());
    }

    @Test
    void indexPointingOutsideTheDirectoryIsRefused() throws IOException {
        Files.writeString(dir.resolve("config.json"), CONFIG);
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{\"weight_map\":{\"a\":\"../evil.safetensors\"}}");
        var e = assertThrows(CheckpointException.class, () -> HfCheckpoint.open(dir));
        assertEquals("a", e.item().orElseThrow());
    }

    @Test
    void tensorLargerThanTwoGigabytes() throws IOException {
        // A sparse file: 1.2 G bf16 elements = 2.4 GB of zeros, with one hand-placed value at the very end.
        long elements = 1_200_000_000L;
        long bytes = elements * 2;
        String header = "{\"big\":{\"dtype\":\"BF16\",\"shape\":[" + elements + "],\"data_offsets\":[0," + bytes + "]}}";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("config.json"), CONFIG);
        Path file = dir.resolve("model.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
            raf.write(len.array());
            raf.write(h);
            raf.setLength(8 + h.length + bytes);
            raf.seek(8 + h.length + bytes - 2);
            raf.write(le((short) 0x4040)); // bf16 3.0
        }
        try (HfCheckpoint cp = HfCheckpoint.open(dir)) {
            TensorView t = cp.tensor("big");
            assertEquals(bytes, t.data().byteSize());
            assertEquals(3.0f, t.getFloat(elements - 1));
            assertEquals(0.0f, t.getFloat(elements / 2));
        }
    }
}
