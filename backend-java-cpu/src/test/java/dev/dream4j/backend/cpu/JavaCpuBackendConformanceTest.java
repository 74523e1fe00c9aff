package dev.dream4j.backend.cpu;

import dev.dream4j.conformance.BackendConformance;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.model.DType;

/** The shared backend rules B0-B11, with the java-cpu backend's tighter tolerances. */
class JavaCpuBackendConformanceTest extends BackendConformance {
    @Override
    protected BackendProvider provider() {
        return new JavaCpuBackendProvider();
    }

    @Override
    protected double logitTolerance(DType dtype) {
        return 1e-4;
    }

    @Override
    protected double batchInvarianceTolerance() {
        return 0.0; // the java-cpu backend is bit-identical across batch composition and padding
    }
}
