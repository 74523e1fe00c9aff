package dev.dream4j.cli;

import dev.dream4j.Dream4j;
import dev.dream4j.demo.DemoModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "export-onnx", description = {
        "Write a checkpoint as model.onnx + model.onnx.data (opset 23) that any ONNX Runtime >= 1.29 runs without dream4j.",
        "Inputs: input_ids, position_ids [batch, seq], attn_mask bool [batch, 1, seq, past + seq], logits_index [rows],"
                + " past_key_values.{i}.key/value; outputs: logits [rows, vocab], present.{i}.key/value."})
final class ExportOnnxCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|demo",
            description = "Hugging Face checkpoint directory, or 'demo' for the bundled tiny-dream-code model.")
    String model;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory (created when missing).")
    Path out;

    @Option(names = "--quantize", paramLabel = "int4", description = "int4: MatMulNBits projections and LM head (default: fp32 weights).")
    String quantize;

    @Option(names = "--block-size", paramLabel = "N", description = "int4 block size, a power of two >= 16 (default 32).")
    Integer blockSize;

    @Option(names = "--verbose", description = "Log at debug level on stderr.")
    boolean verbose;

    @Override
    public Integer call() throws Exception {
        Path dir = DemoModel.NAME.equals(model) ? DemoModel.directory() : Path.of(model);
        Map<String, String> options = new LinkedHashMap<>();
        if (quantize != null) {
            options.put("quantize", quantize);
        }
        if (blockSize != null) {
            options.put("block-size", blockSize.toString());
        }
        Dream4j.export(dir, "onnx", out, options);
        PrintWriter w = spec.commandLine().getOut();
        try (Stream<Path> files = Files.list(out)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("model.onnx")).sorted().toList()) {
                w.println(f.toAbsolutePath() + "\t" + Files.size(f) + " bytes");
            }
        }
        w.flush();
        return 0;
    }
}
