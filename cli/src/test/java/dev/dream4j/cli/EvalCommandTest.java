package dev.dream4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code dream4j eval} on the demo model and the bundled example dataset. */
class EvalCommandTest {
    private static final Path DATASET = Path.of("..", "examples", "eval", "tiny-humaneval.jsonl");

    @TempDir
    Path tmp;

    private static boolean python() {
        try {
            return new ProcessBuilder("python3", "--version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void sweepPrintsTheTableAndWritesThePlot() throws Exception {
        assumeTrue(python(), "no python3: eval is skipped");
        Path plot = tmp.resolve("sweep.svg");
        CliEndToEndTest.Run r = CliEndToEndTest.cli("eval", "--model", "demo", "--backend", "java-cpu", "--threads", "2",
                "--dataset", DATASET.toString(), "--limit", "2", "--max-new-tokens", "16", "--temperature", "0",
                "--sweep", "steps=4,16", "--plot", plot.toString(), "--timeout", "5",
                "--samples-out", tmp.resolve("samples.jsonl").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("accuracy vs parallelism (steps sweep)"), r.out());
        // 16 slots in 4 steps is 4 tokens per forward, in 16 steps 1: the table reports the decoder's parallelism.
        Matcher row4 = Pattern.compile("(?m)^4\\s+(\\d\\.\\d{3})\\s+4\\.00\\s+4\\.0\\s").matcher(r.out());
        Matcher row16 = Pattern.compile("(?m)^16\\s+(\\d\\.\\d{3})\\s+1\\.00\\s+16\\.0\\s").matcher(r.out());
        assertTrue(row4.find(), r.out());
        assertTrue(row16.find(), r.out());
        assertTrue(r.out().contains("tiny/0") && r.out().contains("tiny/1") && !r.out().contains("tiny/2"), r.out());
        String svg = Files.readString(plot);
        assertTrue(svg.startsWith("<svg"), svg);
        assertEquals(2, svg.split("<circle").length - 1, svg);
        assertTrue(svg.contains("steps=4") && svg.contains("steps=16"), svg);
        java.util.List<String> samples = Files.readAllLines(tmp.resolve("samples-4.jsonl"));
        assertEquals(2, samples.size(), "one line per problem and sample");
        assertTrue(samples.getFirst().startsWith("{\"task_id\":\"tiny/0\",\"completion\":"), samples.getFirst());
        assertTrue(samples.getFirst().contains("\"forwards\":4"), samples.getFirst());
        assertTrue(Files.isRegularFile(tmp.resolve("samples-16.jsonl")));
    }

    @Test
    void aBadDatasetLineIsReportedWithItsNumberAndExitCode2() throws Exception {
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, Files.readAllLines(DATASET).getFirst() + "\n[1, 2]\n");
        CliEndToEndTest.Run r = CliEndToEndTest.cli("eval", "--model", "demo", "--dataset", bad.toString());
        assertEquals(2, r.exit(), r.out());
        assertTrue(r.err().contains("bad.jsonl:2: not a JSON object"), r.err());
    }
}
