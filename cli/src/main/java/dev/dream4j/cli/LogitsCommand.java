package dev.dream4j.cli;

import dev.dream4j.Dream4jModel;
import dev.dream4j.spi.backend.Logits;
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
        try (Dream4jModel lm = model.open()) {
            Logits logits = lm.logits(tokens);
            PrintWriter out = spec.commandLine().getOut();
            // Streamed by hand: a 152064-wide row would be a large intermediate object graph for Jackson.
            StringBuilder sb = new StringBuilder(logits.rows() * logits.vocab() * 12 + 16);
            sb.append("{\"logits\":[");
            float[] data = logits.data();
            for (int r = 0; r < logits.rows(); r++) {
                if (r > 0) sb.append(',');
                sb.append('[');
                int off = logits.offset(r);
                for (int v = 0; v < logits.vocab(); v++) {
                    if (v > 0) sb.append(',');
                    float f = data[off + v];
                    if (Float.isFinite(f)) {
                        sb.append(f);
                    } else {
                        sb.append(Float.isNaN(f) ? "\"NaN\"" : f > 0 ? "\"Infinity\"" : "\"-Infinity\"");
                    }
                }
                sb.append(']');
            }
            sb.append("]}");
            out.println(sb);
            out.flush();
        }
        return 0;
    }
}
