package dev.dream4j.cli.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/** Generates n completions per problem, runs each against the problem's tests, and sums up. */
public final class Evaluation {

    /** Writes completion number {@code sample} (0-based) of {@code problem}. */
    @FunctionalInterface
    public interface Generator {
        Completion complete(Problem problem, int sample);
    }

    /**
     * One completion and what it cost.
     *
     * @param code     the program text handed to {@link Problem#program} (already cut or extracted)
     * @param forwards forward passes (NFE) its generation ran
     * @param decoded  canvas slots its generation decoded (unmasked), end-of-text fill included
     * @param nanos    generation wall time
     */
    public record Completion(String code, int forwards, int decoded, long nanos) {
        public Completion {
            Objects.requireNonNull(code, "code");
        }
    }

    /** Every completion of one problem with its verdict. */
    public record ProblemResult(Problem problem, List<Completion> completions, List<PythonSandbox.Verdict> verdicts) {
        public ProblemResult {
            completions = List.copyOf(completions);
            verdicts = List.copyOf(verdicts);
        }

        public int samples() {
            return verdicts.size();
        }

        public int passed() {
            return (int) verdicts.stream().filter(PythonSandbox.Verdict::passed).count();
        }

        public double passAt(int k) {
            return PassAtK.estimate(samples(), passed(), k);
        }

        public int forwards() {
            return completions.stream().mapToInt(Completion::forwards).sum();
        }

        public double seconds() {
            return completions.stream().mapToLong(Completion::nanos).sum() / 1e9;
        }
    }

    /** A whole run: pass@k is the mean over problems; speed figures are per problem (all its samples). */
    public record Report(List<ProblemResult> problems, int samples) {
        public Report {
            problems = List.copyOf(problems);
        }

        public double passAt(int k) {
            return problems.stream().mapToDouble(p -> p.passAt(k)).average().orElse(0);
        }

        /** Decoded slots per forward pass over the whole run: the decoder's parallelism. */
        public double tokensPerForward() {
            long decoded = problems.stream().flatMap(p -> p.completions().stream()).mapToLong(Completion::decoded).sum();
            long forwards = problems.stream().flatMap(p -> p.completions().stream()).mapToLong(Completion::forwards).sum();
            return forwards == 0 ? 0 : (double) decoded / forwards;
        }

        public double forwardsPerProblem() {
            return problems.stream().mapToInt(ProblemResult::forwards).average().orElse(0);
        }

        public double secondsPerProblem() {
            return problems.stream().mapToDouble(ProblemResult::seconds).average().orElse(0);
        }
    }

    private Evaluation() {
    }

    /**
     * Runs {@code samples} completions of every problem.
     *
     * @param done called after each problem (progress output)
     */
    public static Report run(List<Problem> problems, int samples, Generator generator, PythonSandbox sandbox,
                             Consumer<ProblemResult> done) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, got " + samples);
        }
        List<ProblemResult> results = new ArrayList<>();
        for (Problem problem : problems) {
            List<Completion> completions = new ArrayList<>();
            List<PythonSandbox.Verdict> verdicts = new ArrayList<>();
            for (int s = 0; s < samples; s++) {
                Completion c = generator.complete(problem, s);
                completions.add(c);
                verdicts.add(sandbox.run(problem.program(c.code())));
            }
            ProblemResult r = new ProblemResult(problem, completions, verdicts);
            results.add(r);
            done.accept(r);
        }
        return new Report(results, samples);
    }
}
