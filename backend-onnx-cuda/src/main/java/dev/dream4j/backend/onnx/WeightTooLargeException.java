package dev.dream4j.backend.onnx;

import dev.dream4j.api.BackendException;

/**
 * A weight does not fit one Java direct buffer (at most {@code Integer.MAX_VALUE} bytes) as fp32, so it cannot be
 * handed to ONNX Runtime through {@code addExternalInitializers}. Use a smaller model, or export it with
 * {@link OnnxExporter} and load the file (no Java buffer is involved then).
 */
public final class WeightTooLargeException extends BackendException {
    private final String tensor;
    private final long bytes;

    public WeightTooLargeException(String tensor, long bytes) {
        super("weight " + tensor + " needs " + bytes + " bytes as fp32, more than one Java direct buffer holds ("
                + Integer.MAX_VALUE + " bytes); export the model with OnnxExporter and open model.onnx instead");
        this.tensor = tensor;
        this.bytes = bytes;
    }

    public String tensor() {
        return tensor;
    }

    public long bytes() {
        return bytes;
    }
}
