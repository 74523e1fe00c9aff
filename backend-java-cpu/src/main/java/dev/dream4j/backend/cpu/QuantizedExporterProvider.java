package dev.dream4j.backend.cpu;

import dev.dream4j.api.BackendException;
import dev.dream4j.api.CheckpointException;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.backend.ExporterProvider;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.TensorView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@code java-cpu-quantized} format: a copy of a checkpoint whose matrices are block-quantized for the java-cpu
 * backend ({@code QUANTIZATION.md}), loaded memory-mapped like any safetensors checkpoint. Option {@code type}:
 * {@code q8_0} or {@code q4_0}.
 *
 * <p>Every rank-2 float tensor is quantized (an untied LM head as {@link WeightFormat#forLmHead}) except the token
 * embedding table (read row by row, so its size costs no memory) and tensors with fewer than {@link WeightFormat#BLOCK} columns; the rest (norms, biases, embedding)
 * is copied as stored. The JSON and tokenizer files of the directory are copied; {@code config.json} is unchanged.
 */
public final class QuantizedExporterProvider implements ExporterProvider {
    private static final Logger LOG = LoggerFactory.getLogger(QuantizedExporterProvider.class);
    public static final String NAME = "java-cpu-quantized";
    static final String OUTPUT = "model.safetensors";
    /** Written next to the weights: the type and each quantized matrix's relative error. */
    static final String REPORT = "quantization.json";

    public QuantizedExporterProvider() {
        // cheap: nothing happens until export
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "block-quantized safetensors (q8_0, q4_0) for the java-cpu backend";
    }

    @Override
    public void export(ModelDescription model, Checkpoint checkpoint, Path outDir, Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!key.equals("type")) {
                throw new InvalidRequestException(key, "unknown option of " + NAME + " (known: type)");
            }
        }
        String type = options.get("type");
        if (type == null) {
            throw new InvalidRequestException("type", "the quantization type is required: q8_0 or q4_0");
        }
        WeightFormat f;
        try {
            f = WeightFormat.parse(type);
        } catch (BackendException e) {
            throw new InvalidRequestException("type", "unknown quantization type '" + type + "': use q8_0 or q4_0");
        }
        if (f == WeightFormat.AS_STORED) {
            throw new InvalidRequestException("type", "unknown quantization type '" + type + "': use q8_0 or q4_0");
        }
        if (outDir.toAbsolutePath().normalize().equals(checkpoint.directory().toAbsolutePath().normalize())) {
            throw new InvalidRequestException("out", "the output directory must differ from the checkpoint directory");
        }
        String embed = model.tensors().name(dev.dream4j.spi.model.TensorRole.EMBEDDING);
        QuantizedWriter writer = new QuantizedWriter();
        int quantized = 0;
        for (String name : checkpoint.tensorNames().stream().sorted().toList()) {
            TensorView t = checkpoint.tensor(name);
            if (!t.dtype().isFloat()) {
                throw new CheckpointException(t.file(), name, "is already " + t.dtype() + ": quantize the original checkpoint");
            }
            boolean matrix = t.rank() == 2 && !name.equals(embed) && t.dim(1) >= WeightFormat.BLOCK
                    && t.dim(0) <= Integer.MAX_VALUE && t.dim(1) <= Integer.MAX_VALUE;
            if (matrix) {
                writer.addQuantized(name, MatrixSource.of(t), name.equals(model.tensors().name(dev.dream4j.spi.model.TensorRole.LM_HEAD)) ? f.forLmHead() : f);
                quantized++;
            } else {
                writer.addCopy(t);
            }
        }
        try {
            Files.createDirectories(outDir);
            copyOtherFiles(checkpoint.directory(), outDir);
            Map<String, Double> errors = writer.write(outDir.resolve(OUTPUT));
            String head = model.tensors().name(dev.dream4j.spi.model.TensorRole.LM_HEAD);
            writeReport(outDir.resolve(REPORT), f, head.equals(embed) ? null : f.forLmHead(), errors);
        } catch (IOException e) {
            throw new BackendException("could not write " + outDir.resolve(OUTPUT) + ": " + e.getMessage(), e);
        }
        LOG.info("wrote {} ({} matrices as {})", outDir.resolve(OUTPUT), quantized, f.label());
    }

    /**
     * {@code {"type": "q4_0", "block": 32, "output_head_type": "q8_0", "relative_error": {"name": 0.0041, ...}}}
     * (Frobenius norms per matrix; {@code output_head_type} only for an untied LM head).
     */
    private static void writeReport(Path file, WeightFormat f, WeightFormat lmHead, Map<String, Double> errors) throws IOException {
        StringBuilder sb = new StringBuilder("{\n  \"type\": \"").append(f.label()).append("\",\n  \"block\": ")
                .append(WeightFormat.BLOCK);
        if (lmHead != null) {
            sb.append(",\n  \"output_head_type\": \"").append(lmHead.label()).append('"');
        }
        sb.append(",\n  \"relative_error\": {");
        boolean first = true;
        for (var e : errors.entrySet()) {
            sb.append(first ? "\n    " : ",\n    ").append('"').append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\""))
                    .append("\": ").append(String.format(java.util.Locale.ROOT, "%.6g", e.getValue()));
            first = false;
        }
        sb.append("\n  }\n}\n");
        Files.writeString(file, sb);
    }

    /** Copies config, tokenizer and other non-weight files; weights and their index are replaced by {@link #OUTPUT}. */
    private static void copyOtherFiles(Path from, Path to) throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(from)) {
            s.filter(Files::isRegularFile).forEach(files::add);
        }
        Set<String> skip = Set.of(OUTPUT, REPORT, "model.safetensors.index.json");
        for (Path p : files) {
            String n = p.getFileName().toString();
            if (n.endsWith(".safetensors") || skip.contains(n) || n.endsWith(".bin") || n.endsWith(".pt")
                    || n.endsWith(".onnx") || n.endsWith(".onnx.data") || n.endsWith(".gguf")) {
                continue;
            }
            Files.copy(p, to.resolve(n), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
