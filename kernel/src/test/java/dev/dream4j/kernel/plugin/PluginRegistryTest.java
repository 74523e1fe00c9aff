package dev.dream4j.kernel.plugin;

import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.PluginKind;
import dev.dream4j.api.PluginNotFoundException;
import dev.dream4j.spi.backend.BackendProvider;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginRegistryTest {

    @Test
    void discoveryOnlyLists() {
        int before = TestBackends.OPENED.get();
        PluginRegistry registry = PluginRegistry.discover();
        assertEquals(List.of("beta", "alpha"), registry.entries(PluginKind.BACKEND, BackendProvider.class).stream()
                .map(e -> e.descriptor().name()).toList(), "highest priority first");
        assertEquals(before, TestBackends.OPENED.get(), "no backend opened while listing");
    }

    @Test
    void withoutANameTheHighestPriorityAvailableOneIsChosen() {
        PluginRegistry registry = PluginRegistry.discover();
        assertEquals("alpha", registry.select(PluginKind.BACKEND, BackendProvider.class, Optional.empty()).name());
    }

    @Test
    void aNameIsAnExplicitOverride() {
        PluginRegistry registry = PluginRegistry.discover();
        assertEquals("beta", registry.select(PluginKind.BACKEND, BackendProvider.class, Optional.of("beta")).name());
    }

    @Test
    void anUnknownNameListsTheAvailableOnes() {
        PluginRegistry registry = PluginRegistry.discover();
        var e = assertThrows(PluginNotFoundException.class,
                () -> registry.select(PluginKind.BACKEND, BackendProvider.class, Optional.of("gamma")));
        assertEquals("backend", e.kind());
        assertEquals(List.of("beta", "alpha"), e.available());
        assertTrue(e.getMessage().contains("unknown backend 'gamma'; available: beta, alpha"), e.getMessage());
    }

    @Test
    void descriptorsTellWhereAPluginComesFrom() {
        PluginInfo beta = PluginRegistry.discover().descriptors().stream()
                .filter(d -> d.name().equals("beta")).findFirst().orElseThrow();
        assertEquals(PluginKind.BACKEND, beta.kind());
        assertEquals("built-in", beta.origin());
        assertFalse(beta.available());
        assertEquals("no beta device on this machine", beta.unavailableReason());
        assertEquals("", PluginRegistry.discover().descriptors().stream().filter(d -> d.name().equals("alpha"))
                .findFirst().orElseThrow().unavailableReason());
        assertEquals(TestBackends.Beta.class.getName(), beta.implementation());
    }

    @Test
    void descriptorsListDeclaredOptions() {
        PluginRegistry registry = PluginRegistry.discover();
        PluginInfo d = registry.descriptors().stream().filter(x -> x.name().equals("with-options")).findFirst().orElseThrow();
        assertEquals(List.of(TestSamplers.WithOptions.MARGIN), d.options());
        assertTrue(registry.descriptors().stream().filter(x -> x.name().equals("beta")).findFirst().orElseThrow().options().isEmpty());
    }
}
