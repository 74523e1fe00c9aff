package dev.dream4j.cli;

import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.cli.eval.Completions;
import dev.dream4j.cli.eval.Dataset;
import dev.dream4j.cli.eval.Evaluation;
import dev.dream4j.cli.eval.Problem;
import dev.dream4j.cli.eval.PythonSandbox;
import dev.dream4j.cli.eval.SvgPlot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

@Command(name = "eval", description = {
        "Code correctness (pass@k) next to decoding speed on HumanEval/MBPP-format problems (JSON Lines).",
        "Each completion runs against its tests in a sandboxed python3 (temp dir, no network, memory/CPU limits, timeout).",
        "--sweep threshold=0.5,0.7,0.9 (or steps=...) prints accuracy against parallelism and writes an SVG plot."})
final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Mixin
    SamplingOptions sampling = new SamplingOptions();

    @Option(names = "--dataset", required = true, paramLabel = "FILE.jsonl", description = "HumanEval (prompt, test, entry_point) or MBPP (text, test_list) problems, one JSON object per line.")
    Path dataset;

    @Option(names = "--limit", paramLabel = "N", description = "Only the first N problems.")
    Integer limit;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "1", description = "Completions per problem (n of pass@k); sample i uses seed + i (default ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--k", paramLabel = "K", split = ",", description = "The k of pass@k to print (default 1; each must be <= --samples).")
    List<Integer> ks = new ArrayList<>(List.of(1));

    @Option(names = "--chat", description = "Ask through the chat template and run the first fenced code block of the answer (instruct models); default: plain completion of the prompt.")
    boolean chat;

    @Option(names = "--max-new-tokens", paramLabel = "N", defaultValue = "256", description = "Masked positions per completion (default ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--steps", paramLabel = "S", description = "Denoising steps (default: the checkpoint's).")
    Integer steps;

    @Mixin
    DecodingOptions decoding = new DecodingOptions();

    @Option(names = "--sweep", paramLabel = "PARAM=V1,V2,...", description = "Repeat the evaluation for each value of threshold, factor or steps (threshold/factor pick the matching fast-dllm sampler unless --sampler is given).")
    String sweep;

    @Option(names = "--plot", paramLabel = "FILE.svg", defaultValue = "eval-sweep.svg", description = "Where --sweep writes its plot (default ${DEFAULT-VALUE}).")
    Path plot;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Wall-clock limit per test run (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--memory-mb", paramLabel = "MB", defaultValue = "1024", description = "Address-space limit of a test run (default ${DEFAULT-VALUE}).")
    int memoryMb;

    @Option(names = "--python", paramLabel = "EXE", defaultValue = "python3", description = "The Python 3 interpreter (default ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--quiet", description = "Only the summary (no line per problem).")
    boolean quiet;

    @Option(names = "--samples-out", paramLabel = "FILE.jsonl", description = "Also write every completion as human-eval's samples.jsonl (task_id, completion, passed, result); with --sweep one file per value (FILE-<value>.jsonl).")
    Path samplesOut;

    /** A --sweep parsed. */
    record Sweep(String parameter, List<Double> values) {
        static Sweep parse(String text) {
            int eq = text.indexOf('=');
            String name = eq < 0 ? "" : text.substring(0, eq).trim();
            if (!List.of("threshold", "factor", "steps").contains(name)) {
                throw new InvalidRequestException("sweep", "--sweep takes threshold=..., factor=... or steps=...; got '" + text + "'");
            }
            List<Double> values = new ArrayList<>();
            for (String v : text.substring(eq + 1).split(",")) {
                try {
                    values.add(Double.parseDouble(v.trim()));
                } catch (NumberFormatException e) {
                    throw new InvalidRequestException("sweep", "--sweep value '" + v + "' of " + name + " is not a number");
                }
            }
            return new Sweep(name, values);
        }

        UnaryOperator<GenerationRequest.Builder> setting(double v, boolean samplerGiven) {
            return b -> switch (parameter) {
                case "threshold" -> samplerGiven ? b.threshold(v) : b.threshold(v).sampler("fast-dllm-threshold");
                case "factor" -> samplerGiven ? b.factor(v) : b.factor(v).sampler("fast-dllm-factor");
                default -> b.steps((int) v);
            };
        }

        String label(double v) {
            return parameter.equals("steps") ? String.valueOf((int) v) : String.valueOf(v);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (samples < 1) {
            throw new InvalidRequestException("samples", "--samples must be >= 1, got " + samples);
        }
        for (int k : ks) {
            if (k < 1 || k > samples) {
                throw new InvalidRequestException("k", "--k " + k + " needs 1 <= k <= --samples (" + samples + ")");
            }
        }
        Sweep parsedSweep = sweep == null ? null : Sweep.parse(sweep);
        List<Problem> problems = Dataset.read(dataset);
        if (limit != null) {
            problems = problems.subList(0, Math.min(limit, problems.size()));
        }
        // Templates carry an empty placeholder prompt, replaced per problem; building them validates the settings
        // before the model loads.
        GenerationRequest base = baseRequest().prompt("").build();
        PythonSandbox sandbox = PythonSandbox.find(python, Duration.ofSeconds(timeoutSeconds), (long) memoryMb << 20)
                .orElseThrow(() -> new InvalidRequestException("python", "'" + python + " --version' does not run; eval needs Python 3 (--python EXE)"));
        out.printf(Locale.ROOT, "dataset %s: %d problem(s), %d sample(s) each; %s; sandbox: %s, timeout %d s, memory %d MiB, network %s%n",
                dataset, problems.size(), samples, chat ? "chat template" : "plain completion", python, timeoutSeconds, memoryMb,
                sandbox.isolatedNetwork() ? "namespace (unshare -rn) + blocked sockets" : "blocked sockets");
        try (DiffusionLM lm = model.open()) {
            if (parsedSweep == null) {
                Evaluation.Report report = evaluate(lm, problems, base, sandbox, out);
                summary(report, out);
                writeSamples(report, samplesOut);
            } else {
                List<String[]> rows = new ArrayList<>();
                List<SvgPlot.Point> points = new ArrayList<>();
                for (double v : parsedSweep.values()) {
                    out.printf(Locale.ROOT, "--- %s = %s%n", parsedSweep.parameter(), parsedSweep.label(v));
                    GenerationRequest b = parsedSweep.setting(v, sampling.sampler != null).apply(baseRequest()).prompt("").build();
                    Evaluation.Report report = evaluate(lm, problems, b, sandbox, out);
                    summary(report, out);
                    if (samplesOut != null) {
                        String name = samplesOut.getFileName().toString().replaceFirst("\\.jsonl$", "");
                        writeSamples(report, samplesOut.resolveSibling(name + "-" + parsedSweep.label(v) + ".jsonl"));
                    }
                    rows.add(new String[]{parsedSweep.label(v), f3(report.passAt(1)), f2(report.tokensPerForward()),
                            f1(report.forwardsPerProblem()), f3(report.secondsPerProblem())});
                    points.add(new SvgPlot.Point(report.tokensPerForward(), report.passAt(1),
                            parsedSweep.parameter() + "=" + parsedSweep.label(v)));
                }
                out.println();
                out.println("accuracy vs parallelism (" + parsedSweep.parameter() + " sweep):");
                out.printf(Locale.ROOT, "%-10s %8s %8s %12s %10s%n", parsedSweep.parameter(), "pass@1", "tok/fwd", "fwd/problem", "s/problem");
                for (String[] r : rows) {
                    out.printf(Locale.ROOT, "%-10s %8s %8s %12s %10s%n", (Object[]) r);
                }
                writePlot(parsedSweep, points);
                out.println("plot: " + plot.toAbsolutePath());
            }
        }
        out.flush();
        return 0;
    }

    private GenerationRequest.Builder baseRequest() {
        GenerationRequest.Builder b = GenerationRequest.builder().maxNewTokens(maxNewTokens);
        if (steps != null) b.steps(steps);
        sampling.applyTo(b);
        decoding.applyTo(b);
        return b;
    }

    private Evaluation.Report evaluate(DiffusionLM lm, List<Problem> problems, GenerationRequest template,
                                       PythonSandbox sandbox, PrintWriter out) {
        long seed = sampling.seed != null ? sampling.seed : 0L;
        Evaluation.Generator generator = (problem, sample) -> {
            GenerationRequest.Builder b = template.toBuilder().seed(seed + sample);
            if (chat) {
                b.chat(List.of(ChatMessage.user(Completions.chatMessage(problem))));
            } else {
                b.prompt(problem.prompt());
            }
            int[] forwards = {0};
            long[] decoded = {0};
            GenerationResult r = lm.generate(b.build(), step -> {
                forwards[0] = step.forwards();
                decoded[0] += step.committed().stream().mapToLong(List::size).sum();
                return DenoisingListener.Decision.CONTINUE;
            });
            String code = chat ? Completions.chat(problem, r.text()) : Completions.plain(problem, r.text());
            return new Evaluation.Completion(code, forwards[0], (int) decoded[0], r.elapsedNanos());
        };
        if (!quiet) {
            out.printf(Locale.ROOT, "%-24s %7s %9s %8s %10s  %s%n", "task", "passed", "forwards", "tok/fwd", "s/problem", "first failure");
        }
        return Evaluation.run(problems, samples, generator, sandbox, r -> {
            if (quiet) {
                return;
            }
            long dec = r.completions().stream().mapToLong(Evaluation.Completion::decoded).sum();
            String failure = r.verdicts().stream().filter(v -> !v.passed()).findFirst()
                    .map(v -> v.outcome() + " " + lastLine(v.output())).orElse("");
            out.printf(Locale.ROOT, "%-24s %7s %9d %8s %10s  %s%n", r.problem().taskId(), r.passed() + "/" + r.samples(),
                    r.forwards(), f2(r.forwards() == 0 ? 0 : (double) dec / r.forwards()), f3(r.seconds()), failure);
            out.flush();
        });
    }

    private void summary(Evaluation.Report report, PrintWriter out) {
        StringBuilder s = new StringBuilder();
        for (int k : ks) {
            s.append(String.format(Locale.ROOT, "pass@%d = %.3f  ", k, report.passAt(k)));
        }
        out.printf(Locale.ROOT, "%s(%d problems, n = %d)%n", s, report.problems().size(), report.samples());
        out.printf(Locale.ROOT, "tokens per forward %.2f, forwards per problem %.1f, seconds per problem %.3f%n",
                report.tokensPerForward(), report.forwardsPerProblem(), report.secondsPerProblem());
    }

    private void writePlot(Sweep s, List<SvgPlot.Point> points) {
        String svg = SvgPlot.render("pass@1 vs tokens per forward (" + s.parameter() + " sweep, " + dataset.getFileName() + ")",
                "tokens per forward (decoded slots / forward passes)", "pass@1", points);
        try {
            Path parent = plot.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(plot, svg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the plot " + plot, e);
        }
    }

    /** human-eval's {@code samples.jsonl} with its {@code _results} fields, to cross-check with the official harness. */
    private static void writeSamples(Evaluation.Report report, Path file) {
        if (file == null) {
            return;
        }
        StringBuilder s = new StringBuilder();
        for (Evaluation.ProblemResult r : report.problems()) {
            for (int i = 0; i < r.samples(); i++) {
                PythonSandbox.Verdict v = r.verdicts().get(i);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("task_id", r.problem().taskId());
                line.put("completion", r.completions().get(i).code());
                line.put("passed", v.passed());
                line.put("result", v.passed() ? "passed" : v.outcome() == PythonSandbox.Outcome.TIMEOUT ? "timed out" : "failed: " + lastLine(v.output()));
                line.put("forwards", r.completions().get(i).forwards());
                s.append(Json.write(line)).append('\n');
            }
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, s);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the samples " + file, e);
        }
    }

    private static String lastLine(String output) {
        String[] lines = output.strip().split("\n");
        String l = lines[lines.length - 1];
        return l.length() > 60 ? l.substring(0, 60) + "..." : l;
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
