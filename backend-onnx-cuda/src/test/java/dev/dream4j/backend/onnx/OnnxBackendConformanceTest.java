package dev.dream4j.backend.onnx;

import dev.dream4j.conformance.BackendConformance;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;

/** The shared backend conformance suite (rules B0-B11) on the onnx backend, ORT CPU. */
class OnnxBackendConformanceTest extends BackendConformance {

    @Override
    protected BackendProvider provider() {
        return new OnnxBackendProvider();
    }

    @Override
    protected BackendOptions options() {
        return BackendOptions.defaults().withThreads(2);
    }
}
