package dev.dream4j.backend.cpu;

import dev.dream4j.api.BackendException;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

import java.util.Optional;

/**
 * The pure-Java CPU backend ({@code java-cpu}): available wherever the Vector API module is resolved. On the module
 * path our {@code requires jdk.incubator.vector} resolves it; on the class path it takes
 * {@code --add-modules jdk.incubator.vector}, and without it the first GEMM would die with {@code NoClassDefFoundError}.
 */
public final class JavaCpuBackendProvider implements BackendProvider {

    public static final String NAME = "java-cpu";

    static final String VECTOR_MODULE = "jdk.incubator.vector";

    /** The layer whose modules the backend can use. */
    private final ModuleLayer layer;

    public JavaCpuBackendProvider() {
        // cheap: nothing is loaded until open
        this(JavaCpuBackendProvider.class.getModule().getLayer() != null
                ? JavaCpuBackendProvider.class.getModule().getLayer() : ModuleLayer.boot());
    }

    /** A provider that looks for the Vector API in {@code layer} (and its parents). */
    JavaCpuBackendProvider(ModuleLayer layer) {
        this.layer = layer;
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
        return unavailableReason().isEmpty();
    }

    /**
     * Why the backend cannot run here: the Vector API module is not resolved in its layer (on the class path: the
     * boot layer). Asks the layer only, never a Vector API class, so it cannot fail the way the backend would.
     */
    @Override
    public Optional<String> unavailableReason() {
        if (layer.findModule(VECTOR_MODULE).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("the Vector API module " + VECTOR_MODULE + " is not resolved; on the class path start java with"
                + " --add-modules " + VECTOR_MODULE);
    }

    @Override
    public Backend open(ModelDescription model, Checkpoint checkpoint, BackendOptions options) {
        Optional<String> missing = unavailableReason();
        if (missing.isPresent()) {
            // selected by name although unavailable: say why here rather than die in the first GEMM
            throw new BackendException("backend " + NAME + " cannot run: " + missing.get());
        }
        return new JavaCpuBackend(model, checkpoint, options == null ? BackendOptions.defaults() : options);
    }
}
