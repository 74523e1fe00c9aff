package dev.dream4j.backend.cpu;

import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

/** The pure-Java CPU backend ({@code java-cpu}): always available, works everywhere the Vector API does. */
public final class JavaCpuBackendProvider implements BackendProvider {

    public static final String NAME = "java-cpu";

    public JavaCpuBackendProvider() {
        // cheap: nothing is loaded until open
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public String description() {
        return "pure-Java CPU backend (Vector API GEMM, bf16/f16/f32 weights read in place)";
    }

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public Backend open(ModelDescription model, Checkpoint checkpoint, BackendOptions options) {
        return new JavaCpuBackend(model, checkpoint, options == null ? BackendOptions.defaults() : options);
    }
}
