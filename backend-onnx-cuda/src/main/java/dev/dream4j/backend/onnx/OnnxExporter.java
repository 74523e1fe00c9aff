package dev.dream4j.backend.onnx;

import dev.dream4j.api.BackendException;
import dev.dream4j.api.CheckpointException;
import dev.dream4j.backend.onnx.graph.DecoderGraph;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelFamily;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Writes a checkpoint as a self-contained ONNX model: {@code model.onnx} (the graph of {@link DecoderGraph}) and
 * {@code model.onnx.data} (every weight as fp32, each at a 4096-byte-aligned offset). Any ONNX Runtime >= 1.29 can
 * open the result from the file path with a bare {@code OrtSession}; no dream4j code is needed to run it.
 */
public final class OnnxExporter {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxExporter.class);

    public static final String MODEL_FILE = "model.onnx";
    public static final String DATA_FILE = "model.onnx.data";
    /** Alignment of every tensor in the data file (mmap-friendly, onnx.proto's recommendation). */
    public static final long ALIGNMENT = 4096;

    private OnnxExporter() {
    }

    /**
     * Opens the Hugging Face checkpoint in {@code checkpointDir}, describes it with the first {@link ModelFamily}
     * on the path that accepts its {@code config.json}, and exports it into {@code outDir}.
     *
     * @return the written {@code model.onnx}
     */
    public static Path export(Path checkpointDir, Path outDir) {
        return export(checkpointDir, outDir, 0);
    }

    /**
     * As {@link #export(Path, Path)}, with int4 {@code MatMulNBits} projections and LM head in blocks of
     * {@code int4BlockSize} (0: fp32); with int4, a bf16/fp16 embedding table is kept in its own dtype.
     */
    public static Path export(Path checkpointDir, Path outDir, int int4BlockSize) {
        try (Checkpoint cp = HfCheckpoint.open(checkpointDir)) {
            ModelFamily family = null;
            for (ModelFamily f : ServiceLoader.load(ModelFamily.class, OnnxExporter.class.getClassLoader())) {
                if (f.accepts(cp.config())) {
                    family = f;
                    break;
                }
            }
            if (family == null) {
                throw new CheckpointException(checkpointDir.resolve(HfCheckpoint.CONFIG), "model_type",
                        "no model family on the path accepts this checkpoint");
            }
            ModelDescription model = family.describe(cp);
            DecoderGraph.Options options = DecoderGraph.Options.defaults(model);
            if (int4BlockSize != 0) {
                options = options.withInt4(int4BlockSize);
            }
            return export(model, cp, outDir, OnnxBackend.embedding(options, model, cp));
        }
    }

    /** Exports an opened checkpoint with the given graph options. */
    public static Path export(ModelDescription model, Checkpoint checkpoint, Path outDir, DecoderGraph.Options options) {
        try {
            Files.createDirectories(outDir);
            Map<String, Long> offsets = new HashMap<>();
            WeightData weights = new WeightData(checkpoint);
            long end = 0;
            for (DecoderGraph.Weight w : DecoderGraph.weights(model, options)) {
                weights.checked(w);
                offsets.put(w.name(), end);
                end = align(end + w.bytes());
            }
            Path data = outDir.resolve(DATA_FILE);
            try (FileChannel ch = FileChannel.open(data, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (DecoderGraph.Weight w : DecoderGraph.weights(model, options)) {
                    weights.write(w, ch, offsets.get(w.name()));
                }
            }
            byte[] proto = DecoderGraph.build(model, options, w -> new DecoderGraph.External(DATA_FILE, offsets.get(w.name())));
            Path file = outDir.resolve(MODEL_FILE);
            Files.write(file, proto);
            LOG.info("exported {} ({} bytes) and {} ({} bytes)", file, proto.length, data, Files.size(data));
            return file;
        } catch (IOException e) {
            throw new BackendException("could not write the ONNX export to " + outDir + ": " + e.getMessage(),
                    new UncheckedIOException(e));
        }
    }

    static long align(long offset) {
        return (offset + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
