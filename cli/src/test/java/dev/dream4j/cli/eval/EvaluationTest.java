package dev.dream4j.cli.eval;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** pass@k on scripted completions whose pass or fail is known, run in the real Python sandbox. */
class EvaluationTest {
    static final Path TINY_HUMANEVAL = Path.of("..", "examples", "eval", "tiny-humaneval.jsonl");
    static final Path TINY_MBPP = Path.of("..", "examples", "eval", "tiny-mbpp.jsonl");
    private static PythonSandbox sandbox;

    @TempDir
    Path tmp;

    @BeforeAll
    static void python() {
        Optional<PythonSandbox> found = PythonSandbox.find("python3", Duration.ofSeconds(3), 256L << 20);
        assumeTrue(found.isPresent(), "no python3 on this machine: the eval sandbox tests are skipped");
        sandbox = found.get();
    }

    private static final String WRONG = "    return None\n";
    /** Two completions per task: the verdict of each is known in advance. */
    private static final Map<String, List<String>> SCRIPT = Map.of(
            "tiny/0", List.of("    return a + b\n", "    return a - b\n"),                               // 1 of 2
            "tiny/1", List.of("    return n % 2 == 0\n", "    return not n & 1\n"),                       // 2 of 2
            "tiny/2", List.of("    while True:\n        pass\n", WRONG),                                  // 0 of 2, a timeout
            "tiny/3", List.of("    hog = bytearray(2 << 30)\n    return max(numbers)\n", "    return sorted(numbers)[-1]\n"), // 1 of 2: the memory limit
            "tiny/4", List.of("    import socket\n    try:\n        socket.socket()\n        return -1\n"
                    + "    except OSError:\n        return sum(c in 'aeiou' for c in text)\n", "    return ((\n"), // 1 of 2: no network; a syntax error
            "tiny/5", List.of("    return 'Fizz' * (n % 3 == 0) + 'Buzz' * (n % 5 == 0) or str(n)\n", WRONG)); // 1 of 2

    @Test
    void passAtKOnScriptedCompletionsWithKnownVerdicts() {
        List<Problem> problems = Dataset.read(TINY_HUMANEVAL);
        assertEquals(6, problems.size());
        Evaluation.Report report = Evaluation.run(problems, 2,
                (problem, sample) -> new Evaluation.Completion(SCRIPT.get(problem.taskId()).get(sample), 4, 8, 1_000_000),
                sandbox, r -> { });
        List<Integer> passed = report.problems().stream().map(Evaluation.ProblemResult::passed).toList();
        assertEquals(List.of(1, 2, 0, 1, 1, 1), passed);
        assertEquals((0.5 + 1 + 0 + 0.5 + 0.5 + 0.5) / 6, report.passAt(1), 1e-12);
        assertEquals((1 + 1 + 0 + 1 + 1 + 1) / 6.0, report.passAt(2), 1e-12);
        assertEquals(PythonSandbox.Outcome.TIMEOUT, report.problems().get(2).verdicts().get(0).outcome());
        assertTrue(report.problems().get(3).verdicts().get(0).output().contains("MemoryError"),
                report.problems().get(3).verdicts().get(0).output());
        assertTrue(report.problems().get(4).verdicts().get(1).output().contains("SyntaxError"));
        assertEquals(2.0, report.tokensPerForward(), 1e-12);
        assertEquals(8.0, report.forwardsPerProblem(), 1e-12);
    }

    @Test
    void canonicalSolutionsPassAndTheSandboxStartsInAnEmptyTemporaryDirectory() throws Exception {
        for (Problem p : Dataset.read(TINY_MBPP)) {
            String code = switch (p.taskId()) {
                case "1" -> "def square(x):\n    return x * x\n";
                default -> "def first_word(s):\n    return s.split()[0]\n";
            };
            assertTrue(sandbox.run(p.program(code)).passed(), p.taskId());
            assertTrue(sandbox.run(p.program("def square(x):\n    return x\n")).outcome() != PythonSandbox.Outcome.PASSED);
        }
        PythonSandbox.Verdict where = sandbox.run("import os\nassert os.listdir('.') == ['program.py'], os.listdir('.')\n"
                + "assert 'dream4j-eval-' in os.getcwd()\n");
        assertTrue(where.passed(), where.output());
    }

    @Test
    void passAtKEstimator() {
        assertEquals(0.0, PassAtK.estimate(5, 0, 1));
        assertEquals(1.0, PassAtK.estimate(5, 5, 1));
        assertEquals(0.4, PassAtK.estimate(5, 2, 1), 1e-12);
        assertEquals(1 - 21.0 / 252, PassAtK.estimate(10, 3, 5), 1e-12);
        assertEquals(1.0, PassAtK.estimate(10, 6, 5));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(2, 1, 3));
    }

    @Test
    void badLinesAreTypedErrorsWithTheLineNumber() throws Exception {
        String good = Files.readAllLines(TINY_HUMANEVAL).getFirst();
        Path bad = tmp.resolve("bad.jsonl");
        Files.writeString(bad, good + "\n\n{not json\n");
        DatasetException e = assertThrows(DatasetException.class, () -> Dataset.read(bad));
        assertEquals(3, e.line());
        assertEquals("dataset", e.parameter());
        assertTrue(e.getMessage().contains("bad.jsonl:3"), e.getMessage());

        Files.writeString(bad, good + "\n" + good.replace("\"entry_point\"", "\"entry\"") + "\n");
        e = assertThrows(DatasetException.class, () -> Dataset.read(bad));
        assertEquals(2, e.line());
        assertTrue(e.getMessage().contains("'entry_point'"), e.getMessage());

        Files.writeString(bad, good + "\n" + good + "\n");
        e = assertThrows(DatasetException.class, () -> Dataset.read(bad));
        assertTrue(e.getMessage().contains("appears twice"), e.getMessage());
        assertEquals(2, e.line());

        Files.writeString(bad, "{\"task_id\": 3, \"text\": \"t\", \"test_list\": []}\n");
        e = assertThrows(DatasetException.class, () -> Dataset.read(bad));
        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("test_list"), e.getMessage());
    }

    @Test
    void completionsAreCutAndExtractedLikeThePublicHarnesses() {
        Problem p = Dataset.read(TINY_HUMANEVAL).getFirst();
        assertEquals("    return a + b\n", Completions.plain(p, "    return a + b\n\ndef other():\n    pass\n"));
        assertEquals("\ndef add(a, b):\n    return a + b\n",
                Completions.chat(p, "Sure:\n```python\ndef add(a, b):\n    return a + b\n```\nDone."));
        assertTrue(sandbox.run(p.program(Completions.chat(p, "```python\ndef add(a, b):\n    return a + b\n```"))).passed());
    }
}
