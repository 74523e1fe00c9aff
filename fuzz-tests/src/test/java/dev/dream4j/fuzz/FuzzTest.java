package dev.dream4j.fuzz;

import dev.dream4j.demo.DemoModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fuzz campaigns: {@code fuzz.cases} cases per target (300 in a normal build; {@code -Dfuzz.cases=4000} gives the
 * 20,000-case run), seeded by {@code fuzz.seed}. Every case must end accepted or in a typed {@code Dream4jException};
 * an untyped exception, a hang or a crash fails the test and is written with its seed and index to
 * {@code target/fuzz/findings.txt}; the tally goes to {@code target/fuzz/summary.txt}.
 */
class FuzzTest {
    private static final Map<String, Campaign.Result> RESULTS = new ConcurrentHashMap<>();

    @TempDir
    static Path scratch;

    @TestFactory
    List<DynamicTest> everyCaseEndsAcceptedOrTyped() {
        int cases = Integer.getInteger("fuzz.cases", 300);
        long seed = Long.getLong("fuzz.seed", 20261129L);
        // a watchdog for unbounded loops, not a speed limit: bounded cases take milliseconds
        Campaign campaign = new Campaign(seed, cases, Duration.ofSeconds(Long.getLong("fuzz.hangSeconds", 60L)));
        List<DynamicTest> tests = new ArrayList<>();
        for (Target target : Targets.all(DemoModel.directory(), scratch)) {
            tests.add(DynamicTest.dynamicTest(target.name(), () -> {
                Campaign.Result r = campaign.run(target);
                RESULTS.put(target.name(), r);
                assertEquals(cases, r.cases());
                assertTrue(r.findings().isEmpty(), () -> r.findings().size() + " bug(s) in " + target.name() + ", first: " + r.findings().getFirst());
            }));
        }
        return tests;
    }

    @AfterAll
    static void writeReport() throws IOException {
        Path dir = Path.of(System.getProperty("fuzz.report", "target/fuzz"));
        Files.createDirectories(dir);
        StringBuilder summary = new StringBuilder("target cases ok typed untyped hang crash\n");
        StringBuilder findings = new StringBuilder();
        RESULTS.values().stream().sorted(java.util.Comparator.comparing(Campaign.Result::target)).forEach(r -> {
            summary.append(r.target()).append(' ').append(r.cases());
            for (Outcome o : Outcome.values()) {
                summary.append(' ').append(r.counts().get(o));
            }
            summary.append('\n');
            r.findings().forEach(f -> findings.append(f).append('\n'));
        });
        Files.write(dir.resolve("summary.txt"), summary.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Files.write(dir.resolve("findings.txt"), findings.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
