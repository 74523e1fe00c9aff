package dev.dream4j.cli;

import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.LogitRows;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "logits", description = "Print the model's raw (unshifted) fp32 logits: one row per input position, full vocabulary.")
final class LogitsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--ids", required = true, paramLabel = "1,2,3")
    String ids;

    @Option(names = "--json", description = "Print {\"logits\": [[...], ...]} (the default format).")
    boolean json;

    @Override
    public Integer call() {
        int[] tokens = Ids.parseArray("ids", ids);
        try (DiffusionLM lm = model.open()) {
            long values = (long) tokens.length * lm.info().vocabSize();
            if (values > Integer.MAX_VALUE - 8) { // one float[] holds every row
                throw new InvalidRequestException("ids", tokens.length + " ids x " + lm.info().vocabSize()
                        + " vocabulary rows is more logits than one array holds; pass at most "
                        + ((Integer.MAX_VALUE - 8) / lm.info().vocabSize()) + " ids");
            }
            LogitRows logits = lm.diagnostics().logits(java.util.Arrays.stream(tokens).boxed().toList());
            PrintWriter out = spec.commandLine().getOut();
            // Streamed by hand, one row at a time: a 152064-wide row would be a large object graph for Jackson, and
            // all rows in one buffer overflow an int past ~1,177 rows of such a vocabulary.
            StringBuilder sb = new StringBuilder(logits.vocabSize() * 12 + 16);
            out.print("{\"logits\":[");
            for (int r = 0; r < logits.rows(); r++) {
                sb.setLength(0);
                if (r > 0) sb.append(',');
                sb.append('[');
                float[] row = logits.copyRow(r);
                for (int v = 0; v < row.length; v++) {
                    if (v > 0) sb.append(',');
                    float f = row[v];
                    if (Float.isFinite(f)) {
                        sb.append(f);
                    } else {
                        sb.append(Float.isNaN(f) ? "\"NaN\"" : f > 0 ? "\"Infinity\"" : "\"-Infinity\"");
                    }
                }
                sb.append(']');
                out.print(sb);
            }
            out.println("]}");
            out.flush();
        }
        return 0;
    }
}
