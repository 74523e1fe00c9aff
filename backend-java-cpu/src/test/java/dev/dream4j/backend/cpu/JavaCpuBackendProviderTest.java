package dev.dream4j.backend.cpu;

import dev.dream4j.api.BackendException;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Availability follows whether the Vector API module is resolved, with the reason when it is not. */
class JavaCpuBackendProviderTest {

    @Test
    void withoutTheVectorModuleTheBackendIsUnavailableAndSaysHowToFixIt() {
        // the class path without --add-modules jdk.incubator.vector: the module is in no layer the backend sees
        JavaCpuBackendProvider provider = new JavaCpuBackendProvider(ModuleLayer.empty());
        assertFalse(provider.isAvailable());
        Optional<String> reason = provider.unavailableReason();
        assertTrue(reason.isPresent());
        assertTrue(reason.get().contains("--add-modules jdk.incubator.vector"), reason.get());
    }

    @Test
    void whereTheVectorModuleIsResolvedItIsAvailable() {
        // the build runs the tests with the module resolved (module path, or --add-modules on the class path)
        JavaCpuBackendProvider provider = new JavaCpuBackendProvider();
        assertEquals(Optional.empty(), provider.unavailableReason());
        assertTrue(provider.isAvailable());
    }

    @Test
    void aLayerWithoutTheModuleMakesOpenATypedError() {
        // what a provider loaded into such a layer does when selected by name anyway
        JavaCpuBackendProvider unresolved = new JavaCpuBackendProvider(ModuleLayer.empty());
        var e = assertThrows(BackendException.class, () -> unresolved.open(null, null, null));
        assertTrue(e.getMessage().contains("jdk.incubator.vector"), e.getMessage());
    }
}
