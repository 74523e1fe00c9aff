package dev.dream4j.backend.onnx;

import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

/**
 * The {@code onnx} backend: ONNX Runtime on CPU (default) or CUDA ({@code device = cuda[:N]} or {@code auto}).
 * Discovery only checks that the ONNX Runtime classes are present; the native library loads in {@link #open}.
 */
public final class OnnxBackendProvider implements BackendProvider {

    /** The class whose presence means ONNX Runtime's Java API is on the class or module path. */
    static final String ORT_CLASS = "ai.onnxruntime.OrtEnvironment";

    public OnnxBackendProvider() {
        // discovery constructs providers: nothing to do here
    }

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public int priority() {
        return 5;
    }

    @Override
    public String description() {
        return "ONNX Runtime 1.29 (CPU, or CUDA with device=cuda[:N]/auto and the onnxruntime_gpu artifact), fp32 weights";
    }

    @Override
    public boolean isAvailable() {
        // Only looks for ONNX Runtime's class file: nothing is loaded or initialised, so no native library either.
        ClassLoader loader = OnnxBackendProvider.class.getClassLoader();
        String resource = ORT_CLASS.replace('.', '/') + ".class";
        return loader != null ? loader.getResource(resource) != null : ClassLoader.getSystemResource(resource) != null;
    }

    @Override
    public Backend open(ModelDescription model, Checkpoint checkpoint, BackendOptions options) {
        OnnxDevice.parse(options.device().orElse("cpu"));
        return OnnxBackend.open(model, checkpoint, options);
    }
}
