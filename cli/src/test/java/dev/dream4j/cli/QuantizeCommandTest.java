package dev.dream4j.cli;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.spi.model.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.dream4j.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code quantize}, loading its output, quantize-on-load, and {@code bench --weights}, as a user runs them. */
class QuantizeCommandTest {
    @TempDir
    Path tmp;

    @Test
    void quantizedDirectoryLoadsAndMatchesQuantizeOnLoad() throws Exception {
        Path dir = SyntheticCheckpoint.builder().layers(2).hidden(64).intermediate(96).heads(4).kvHeads(2)
                .dtype(DType.BF16).seed(9).build().write(tmp.resolve("bf16"));
        Path out = tmp.resolve("q4");
        CliEndToEndTest.Run q = cli("quantize", "--model", dir.toString(), "--out", out.toString(), "--type", "q4_0",
                "--masks", "4", "--threads", "1");
        assertEquals(0, q.exit(), q.err());
        assertTrue(q.out().contains("quantized as q4_0 (output head q8_0)"), q.out());
        assertTrue(q.out().contains("top-1 agreement"), q.out());
        assertTrue(Files.exists(out.resolve("tokenizer.json")));

        String ids = "5,17,300,42,7";
        CliEndToEndTest.Run onDisk = cli("logits", "--model", out.toString(), "--backend", "java-cpu", "--ids", ids);
        CliEndToEndTest.Run onLoad = cli("logits", "--model", dir.toString(), "--backend", "java-cpu",
                "--backend-option", "cpu.weights=q4_0", "--ids", ids);
        CliEndToEndTest.Run bf16 = cli("logits", "--model", dir.toString(), "--backend", "java-cpu", "--ids", ids);
        assertEquals(0, onDisk.exit(), onDisk.err());
        assertEquals(0, onLoad.exit(), onLoad.err());
        assertEquals(onLoad.out(), onDisk.out(), "the file and quantize-on-load give the same logits");
        assertNotEquals(bf16.out(), onDisk.out(), "the quantized weights are in use");
    }

    @Test
    void badTypeOrOptionIsABadInputError() throws Exception {
        Path dir = SyntheticCheckpoint.builder().layers(1).hidden(64).intermediate(96).heads(4).kvHeads(2).seed(2).build()
                .write(tmp.resolve("m"));
        CliEndToEndTest.Run r = cli("quantize", "--model", dir.toString(), "--out", tmp.resolve("x").toString(), "--type", "q3");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("q3"), r.err());
        CliEndToEndTest.Run b = cli("logits", "--model", dir.toString(), "--backend", "java-cpu",
                "--backend-option", "cpu.weights=int3", "--ids", "1,2");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, b.exit(), b.out() + b.err());
        assertTrue(b.err().contains("cpu.weights"), b.err());
    }

    @Test
    void benchPrintsOneSectionPerWeightFormat() throws Exception {
        Path dir = SyntheticCheckpoint.builder().layers(1).hidden(64).intermediate(96).heads(4).kvHeads(2).seed(4).build()
                .write(tmp.resolve("b"));
        CliEndToEndTest.Run r = cli("bench", "--model", dir.toString(), "--backend", "java-cpu", "--weights", "native,q8_0,q4_0",
                "--canvas", "16", "--small-rows", "4", "--iterations", "1", "--warmup", "0", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        for (String w : new String[]{"native", "q8_0", "q4_0"}) {
            assertTrue(r.out().contains("== weights " + w + " =="), r.out());
        }
        assertTrue(r.out().contains("STREAM-like copy"), r.out());
        assertTrue(r.out().contains("4-row step"), r.out());
    }
}
