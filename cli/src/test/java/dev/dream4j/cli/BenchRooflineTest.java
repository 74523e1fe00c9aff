package dev.dream4j.cli;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.dream4j.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bench}'s roofline line and {@code bench-decode}'s configuration choice, as a user runs them. */
class BenchRooflineTest {
    @TempDir
    Path tmp;

    private Path tinyCheckpoint(String name, long seed) throws java.io.IOException {
        return SyntheticCheckpoint.builder().layers(1).hidden(64).intermediate(96).heads(4).kvHeads(2).seed(seed).build()
                .write(tmp.resolve(name));
    }

    private static Matcher find(String regex, String text) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
        return m;
    }

    @Test
    void benchPlacesTheCachedStepOnTheRooflineItMeasured() throws Exception {
        Path dir = tinyCheckpoint("b", 4);
        CliEndToEndTest.Run r = cli("bench", "--model", dir.toString(), "--backend", "java-cpu", "--canvas", "16",
                "--small-rows", "4", "--iterations", "2", "--warmup", "0", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        double copy = Double.parseDouble(find("STREAM-like copy ([0-9.]+) GB/s", r.out()).group(1));
        double peak = Double.parseDouble(find("fp32 FMA peak ([0-9.]+) GFLOPS \\(1 threads, (\\d+)-lane", r.out()).group(1));
        assertTrue(copy > 0 && peak > 0, r.out());
        double mb = Double.parseDouble(find("4-row step  best [0-9.]+ s, mean [0-9.]+ s: [0-9.]+ GFLOPS, weights ([0-9.]+) MB", r.out()).group(1));
        Matcher step = find("cached step  4 rows over a cached context of 12 \\(dual cache\\): best ([0-9.]+) s, mean [0-9.]+ s over (\\d+) steps: "
                + "([0-9.]+) GFLOPS", r.out());
        double best = Double.parseDouble(step.group(1));
        assertEquals(2 * 3, Integer.parseInt(step.group(2)), "3 cached steps (of 4) in each of the 2 timed generations");
        double gflops = Double.parseDouble(step.group(3));
        Matcher roof = find("roofline     cached 4-row step: memory bound ([0-9.eE+-]+) s, arithmetic bound ([0-9.eE+-]+) s -> (\\w+)-bound; "
                + "best step = ([0-9.]+) of the bound", r.out());
        double memory = Double.parseDouble(roof.group(1));
        double arithmetic = Double.parseDouble(roof.group(2));
        // recomputed from the other printed figures (each rounded in print, hence the tolerances)
        assertEquals(mb / 1e3 / copy, memory, 1e-4 + 0.01 * memory, "memory bound = weight bytes / copy bandwidth");
        assertEquals(gflops * best / peak, arithmetic, 1e-4 + 0.05 * arithmetic, "arithmetic bound = step FLOPs / FMA peak");
        if (Math.abs(arithmetic - memory) > 1e-3 * Math.max(arithmetic, memory)) { // printed to 4 significant digits
            assertEquals(arithmetic > memory ? "arithmetic" : "memory", roof.group(3));
        }
        double fraction = Double.parseDouble(roof.group(4));
        if (best >= 0.001) { // below a millisecond the 4-decimal print of the step time is too coarse to recompute from
            assertEquals(Math.max(memory, arithmetic) / best, fraction, 0.01 + 0.05 * fraction);
        }
    }

    @Test
    void aCanvasWithoutRoomForACachedContextSaysSo() throws Exception {
        Path dir = tinyCheckpoint("c", 5);
        CliEndToEndTest.Run r = cli("bench", "--model", dir.toString(), "--backend", "java-cpu", "--canvas", "8",
                "--small-rows", "8", "--iterations", "1", "--warmup", "0", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("cached step  not measured: --small-rows 8 leaves no cached context in a canvas of 8"), r.out());
        CliEndToEndTest.Run bad = cli("bench", "--model", dir.toString(), "--small-rows", "-1");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, bad.exit(), bad.out() + bad.err());
        assertTrue(bad.err().contains("--small-rows"), bad.err());
    }

    @Test
    void benchDecodeRunsOnlyTheChosenConfigurationsAfterTheBaseline() {
        CliEndToEndTest.Run r = cli("bench-decode", "--model", "demo", "--no-synth", "--canvas", "64", "--configs",
                "threshold-dual", "--warmup", "0", "--threads", "1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("baseline (entropy, steps = tokens)"), r.out());
        assertTrue(r.out().contains("threshold + dual cache"), r.out());
        assertFalse(r.out().contains("cache only (entropy, dual)"), r.out());
        assertFalse(r.out().contains("threshold only"), r.out());
        assertTrue(r.out().contains("CPU x"), r.out());
    }

    @Test
    void anUnknownConfigurationIsABadInputError() {
        CliEndToEndTest.Run r = cli("bench-decode", "--model", "demo", "--no-synth", "--configs", "dual,fastest");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("--configs") && r.err().contains("fastest"), r.err());
    }
}
