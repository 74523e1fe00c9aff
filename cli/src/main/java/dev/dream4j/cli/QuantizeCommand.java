package dev.dream4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dream4j.Dream4j;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.LogitRows;
import dev.dream4j.demo.DemoModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "quantize", description = {
        "Write a block-quantized copy of a checkpoint (q8_0 or q4_0; format: backend-java-cpu/QUANTIZATION.md) that the",
        "java-cpu backend loads memory-mapped, then report the quantization error: per-matrix relative error and",
        "top-1 agreement of the logits with the original weights on a few code prompts followed by masks."})
final class QuantizeCommand implements Callable<Integer> {
    /** Prompts for the agreement check: code, since the models are code models. */
    private static final List<String> PROMPTS = List.of(
            "def fibonacci(n):\n    if n < 2:\n        return n\n    return fibonacci(n - 1) + fibonacci(n - 2)\n",
            "public static int gcd(int a, int b) {\n    while (b != 0) {\n        int t = a % b;\n        a = b;\n        b = t;\n    }\n",
            "import numpy as np\n\ndef softmax(x):\n    e = np.exp(x - x.max())\n    return e / e.sum()\n",
            "for (let i = 0; i < items.length; i++) {\n  const item = items[i];\n  if (item.done) continue;\n");

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|demo",
            description = "Hugging Face checkpoint directory (bf16/f16/f32), or 'demo' for the bundled model.")
    String model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created when missing).")
    Path out;

    @Option(names = "--type", required = true, paramLabel = "q8_0|q4_0")
    String type;

    @Option(names = "--masks", defaultValue = "32", paramLabel = "N", description = "Mask tokens after each prompt in the agreement check.")
    int masks;

    @Option(names = "--no-eval", description = "Skip the logits comparison (the per-matrix errors are still printed).")
    boolean noEval;

    @Option(names = "--threads", paramLabel = "N", description = "Backend worker threads for the comparison (default: all cores).")
    Integer threads;

    @Option(names = "--verbose", description = "Log at debug level on stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Path dir = DemoModel.NAME.equals(model) ? DemoModel.directory() : Path.of(model);
        PrintWriter w = spec.commandLine().getOut();
        long t0 = System.nanoTime();
        Dream4j.export(dir, "java-cpu-quantized", out, Map.of("type", type));
        w.printf("wrote        %s (%d bytes) in %.1f s%n", out.resolve("model.safetensors").toAbsolutePath(),
                Files.size(out.resolve("model.safetensors")), (System.nanoTime() - t0) / 1e9);
        JsonNode report = new ObjectMapper().readTree(out.resolve("quantization.json").toFile());
        List<Map.Entry<String, Double>> errors = new ArrayList<>();
        report.get("relative_error").properties().forEach(e -> errors.add(Map.entry(e.getKey(), e.getValue().asDouble())));
        errors.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
        double mean = errors.stream().mapToDouble(Map.Entry::getValue).average().orElse(0);
        w.printf("matrices     %d quantized as %s%s, relative error ‖W−Q‖/‖W‖ mean %.4g, worst %.4g (%s)%n", errors.size(),
                report.get("type").asText(), report.has("output_head_type") ? " (output head " + report.get("output_head_type").asText() + ")" : "", mean, errors.isEmpty() ? 0 : errors.getFirst().getValue(),
                errors.isEmpty() ? "-" : errors.getFirst().getKey());
        if (!noEval) {
            compare(dir, w);
        }
        w.flush();
        return 0;
    }

    /** Top-1 agreement and relative logit error of the quantized copy against the original, same backend. */
    private void compare(Path original, PrintWriter w) {
        List<int[]> canvases = new ArrayList<>();
        List<float[]> reference = new ArrayList<>();
        int vocab;
        try (DiffusionLM lm = open(original)) {
            int mask = lm.info().specialTokens().get("mask");
            for (String p : PROMPTS) {
                List<Integer> ids = lm.encode(p);
                int[] canvas = new int[ids.size() + masks];
                for (int i = 0; i < canvas.length; i++) {
                    canvas[i] = i < ids.size() ? ids.get(i) : mask;
                }
                canvases.add(canvas);
                reference.add(copy(lm.diagnostics().logits(java.util.Arrays.stream(canvas).boxed().toList())));
            }
            vocab = lm.info().vocabSize();
        }
        int rows = 0;
        int agree = 0;
        double worst = 0;
        double sum = 0;
        try (DiffusionLM lm = open(out)) {
            for (int c = 0; c < canvases.size(); c++) {
                int[] canvas = canvases.get(c);
                LogitRows q = lm.diagnostics().logits(java.util.Arrays.stream(canvas).boxed().toList());
                float[] ref = reference.get(c);
                for (int r = 0; r < canvas.length; r++) {
                    float[] row = q.copyRow(r);
                    int ra = 0;
                    int qa = 0;
                    double diff = 0;
                    double mag = 0;
                    for (int v = 0; v < vocab; v++) {
                        float x = ref[r * vocab + v];
                        float y = row[v];
                        if (x > ref[r * vocab + ra]) ra = v;
                        if (y > row[qa]) qa = v;
                        diff = Math.max(diff, Math.abs(x - y));
                        mag = Math.max(mag, Math.abs(x));
                    }
                    rows++;
                    agree += ra == qa ? 1 : 0;
                    double rel = mag == 0 ? 0 : diff / mag;
                    worst = Math.max(worst, rel);
                    sum += rel;
                }
            }
        }
        w.printf("logits       top-1 agreement %.2f %% over %d rows (%d prompts + %d masks each, java-cpu); "
                + "relative error max|Δ|/max|ref| per row: mean %.4g, worst %.4g%n", 100.0 * agree / rows, rows, PROMPTS.size(),
                masks, sum / rows, worst);
    }

    private DiffusionLM open(Path dir) {
        Dream4j.Builder b = Dream4j.builder().model(dir).backend("java-cpu");
        if (threads != null) {
            b.threads(threads);
        }
        return b.build();
    }

    private static float[] copy(LogitRows l) {
        float[] d = new float[l.rows() * l.vocabSize()];
        for (int r = 0; r < l.rows(); r++) {
            System.arraycopy(l.copyRow(r), 0, d, r * l.vocabSize(), l.vocabSize());
        }
        return d;
    }
}
