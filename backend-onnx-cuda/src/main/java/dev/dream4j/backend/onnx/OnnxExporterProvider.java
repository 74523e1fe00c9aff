package dev.dream4j.backend.onnx;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.backend.onnx.graph.DecoderGraph;
import dev.dream4j.spi.backend.ExporterProvider;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code onnx} exporter: {@link OnnxExporter} behind the {@link ExporterProvider} SPI, so that the kernel and the
 * CLI can export without knowing this module. Options: {@value #QUANTIZE} ({@code none}, the default, or
 * {@code int4}: {@code MatMulNBits} projections and LM head) and {@value #BLOCK_SIZE} (int4 block size, a power of
 * two >= 16, default 32; only with int4).
 */
public final class OnnxExporterProvider implements ExporterProvider {
    public static final String QUANTIZE = "quantize";
    public static final String BLOCK_SIZE = "block-size";
    private static final Set<String> KNOWN = Set.of(QUANTIZE, BLOCK_SIZE);

    public OnnxExporterProvider() {
        // discovery constructs providers: nothing to do here
    }

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public String description() {
        return "model.onnx + model.onnx.data (opset 23, fp32 or int4 MatMulNBits) for any ONNX Runtime >= 1.29";
    }

    @Override
    public void export(ModelDescription model, Checkpoint checkpoint, Path outDir, Map<String, String> options) {
        OnnxExporter.export(model, checkpoint, outDir, graphOptions(model, checkpoint, options));
    }

    /** The graph options the export options ask for; unknown keys and bad values are {@link InvalidRequestException}s. */
    static DecoderGraph.Options graphOptions(ModelDescription model, Checkpoint checkpoint, Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!KNOWN.contains(key)) {
                throw new InvalidRequestException(key, "unknown onnx export option '" + key + "'; known: " + QUANTIZE + ", " + BLOCK_SIZE);
            }
        }
        String quantize = options.getOrDefault(QUANTIZE, "none").trim().toLowerCase(Locale.ROOT);
        DecoderGraph.Options o = DecoderGraph.Options.defaults(model);
        switch (quantize) {
            case "none", "fp32" -> {
                if (options.containsKey(BLOCK_SIZE)) {
                    throw new InvalidRequestException(BLOCK_SIZE, BLOCK_SIZE + " applies to " + QUANTIZE + "=int4 only");
                }
            }
            case "int4" -> {
                String block = options.getOrDefault(BLOCK_SIZE, "32").trim();
                try {
                    o = o.withInt4(Integer.parseInt(block));
                } catch (IllegalArgumentException e) {
                    throw new InvalidRequestException(BLOCK_SIZE, "bad int4 block size '" + block + "': a power of two >= 16 is needed");
                }
            }
            default -> throw new InvalidRequestException(QUANTIZE, "unknown quantization '" + quantize + "': use none or int4");
        }
        return OnnxBackend.embedding(o, model, checkpoint);
    }
}
