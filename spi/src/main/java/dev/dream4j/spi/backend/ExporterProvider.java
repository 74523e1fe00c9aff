package dev.dream4j.spi.backend;

import dev.dream4j.spi.Plugin;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a checkpoint in another format (for example {@code onnx}: a graph plus its weights that a foreign runtime
 * can run without dream4j). Selected by {@link #name()}, which is the format the user asks for. Like every plug-in,
 * construction and {@link #name()} must be cheap: no native code, no file access until {@link #export}.
 */
public interface ExporterProvider extends Plugin {

    /**
     * Exports {@code checkpoint}, described by {@code model}, into {@code outDir} (created when missing; files of
     * the same names are overwritten). The checkpoint outlives the call.
     *
     * @param options format-specific settings by name (for {@code onnx}: {@code quantize=int4},
     *                {@code block-size=32}); an unknown key or a bad value is an error, not ignored
     * @throws dev.dream4j.api.InvalidRequestException for an unknown option or a bad option value
     * @throws dev.dream4j.api.CheckpointException     when a weight is missing or of the wrong shape or dtype
     * @throws dev.dream4j.api.BackendException        when the files cannot be written
     */
    void export(ModelDescription model, Checkpoint checkpoint, Path outDir, Map<String, String> options);
}
