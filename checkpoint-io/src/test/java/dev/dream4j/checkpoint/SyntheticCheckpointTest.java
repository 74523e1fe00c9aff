package dev.dream4j.checkpoint;

import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.JsonConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void writesTheHuggingFaceLayoutAndReadsBack() throws IOException {
        SyntheticCheckpoint spec = SyntheticCheckpoint.builder().layers(3).hidden(32).heads(4).kvHeads(1).intermediate(48)
                .shards(2).dtype(DType.F16).build();
        Path a = spec.write(dir.resolve("a"));
        for (String f : List.of("config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json",
                "model.safetensors.index.json", "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors")) {
            assertTrue(Files.isRegularFile(a.resolve(f)), f);
        }
        try (HfCheckpoint cp = HfCheckpoint.open(a)) {
            JsonConfig c = cp.config();
            assertEquals("Dream", c.requireString("model_type"));
            assertEquals(32, c.requireInt("hidden_size"));
            // 3 layers x 12 tensors + embed + norm + lm_head
            assertEquals(3 * 12 + 3, cp.tensorNames().size());
            assertArrayEquals(new long[]{spec.vocab(), 32}, cp.tensor("lm_head.weight").shape());
            assertArrayEquals(new long[]{8, 32}, cp.tensor("model.layers.2.self_attn.k_proj.weight").shape());
            assertEquals(DType.F16, cp.tensor("model.norm.weight").dtype());
            Map<String, Integer> ids = spec.specialIds();
            assertEquals(ids.get("<|mask|>"), c.requireInt("mask_token_id"));
        }
    }

    @Test
    void deterministicPerSeedAndDifferentAcrossSeeds() throws IOException {
        Path a = SyntheticCheckpoint.builder().seed(7).build().write(dir.resolve("a"));
        Path b = SyntheticCheckpoint.builder().seed(7).build().write(dir.resolve("b"));
        Path c = SyntheticCheckpoint.builder().seed(8).build().write(dir.resolve("c"));
        byte[] wa = Files.readAllBytes(a.resolve("model.safetensors"));
        assertArrayEquals(wa, Files.readAllBytes(b.resolve("model.safetensors")));
        assertNotEquals(java.util.Arrays.hashCode(wa), java.util.Arrays.hashCode(Files.readAllBytes(c.resolve("model.safetensors"))));
    }
}
