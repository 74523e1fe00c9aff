package dev.dream4j.architecture;

import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module graph as declared in every {@code module-info}: which dream4j modules each may require. A new
 * {@code requires} between our modules fails here until this table (and DESIGN.md) says it is allowed.
 */
class ModuleGraphTest {
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("dev.dream4j.api", Set.of()),
            Map.entry("dev.dream4j.spi", Set.of("dev.dream4j.api")),
            Map.entry("dev.dream4j.tokenizer", Set.of("dev.dream4j.api")),
            Map.entry("dev.dream4j.tokenizer.hf", Set.of("dev.dream4j.tokenizer")),
            Map.entry("dev.dream4j.checkpoint", Set.of("dev.dream4j.spi")),
            Map.entry("dev.dream4j.kernel", Set.of("dev.dream4j.api", "dev.dream4j.spi", "dev.dream4j.tokenizer", "dev.dream4j.checkpoint")),
            Map.entry("dev.dream4j.family.dream", Set.of("dev.dream4j.spi")),
            Map.entry("dev.dream4j.family.llada", Set.of("dev.dream4j.spi")),
            Map.entry("dev.dream4j.backend.cpu", Set.of("dev.dream4j.spi")),
            Map.entry("dev.dream4j.backend.onnx", Set.of("dev.dream4j.spi", "dev.dream4j.checkpoint")),
            Map.entry("dev.dream4j.architecture", Set.of()),
            Map.entry("dev.dream4j.samplers", Set.of("dev.dream4j.spi")),
            Map.entry("dev.dream4j.infill.dreamon", Set.of("dev.dream4j.spi")),
            Map.entry("dev.dream4j.conformance", Set.of("dev.dream4j.spi", "dev.dream4j.tokenizer", "dev.dream4j.checkpoint")),
            Map.entry("dev.dream4j.demo", Set.of()),
            // the faces reach the runtime only through the API (ApiDoorTest); developer tools sit below the CLI
            Map.entry("dev.dream4j.server", Set.of("dev.dream4j.api")),
            Map.entry("dev.dream4j.tools", Set.of("dev.dream4j.api", "dev.dream4j.checkpoint")),
            Map.entry("dev.dream4j.cli", Set.of("dev.dream4j.api", "dev.dream4j.demo", "dev.dream4j.server", "dev.dream4j.tools")),
            Map.entry("dev.dream4j.langchain4j", Set.of("dev.dream4j.api")),
            // the JMH benchmarks and CpuBench: the public entry point, the demo model, java-cpu's kernels (GEMM), the
            // SPI for the sampler benchmark and the tools' synthetic checkpoints
            Map.entry("dev.dream4j.benchmarks", Set.of("dev.dream4j.api", "dev.dream4j.spi", "dev.dream4j.backend.cpu", "dev.dream4j.demo",
                    "dev.dream4j.tools")),
            Map.entry("dev.dream4j.fuzz", Set.of("dev.dream4j.checkpoint", "dev.dream4j.tokenizer")));

    static Map<String, ModuleDescriptor> ourModules() {
        Path[] entries = Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(Path::of)
                .filter(p -> p.toString().contains("dream4j") || p.toString().contains("target"))
                .filter(p -> Files.isRegularFile(p) ? p.toString().endsWith(".jar") : Files.isRegularFile(p.resolve("module-info.class")))
                .toArray(Path[]::new);
        Map<String, ModuleDescriptor> out = new TreeMap<>();
        for (Path entry : entries) {
            for (ModuleReference ref : ModuleFinder.of(entry).findAll()) {
                if (ref.descriptor().name().startsWith("dev.dream4j")) {
                    out.put(ref.descriptor().name(), ref.descriptor());
                }
            }
        }
        return out;
    }

    @Test
    void everyModuleRequiresOnlyWhatTheDesignAllows() {
        Map<String, ModuleDescriptor> modules = ourModules();
        assertTrue(modules.keySet().containsAll(Set.of("dev.dream4j.api", "dev.dream4j.spi", "dev.dream4j.kernel",
                "dev.dream4j.backend.cpu", "dev.dream4j.samplers", "dev.dream4j.cli")), "found " + modules.keySet());
        for (ModuleDescriptor d : modules.values()) {
            Set<String> ours = d.requires().stream().map(ModuleDescriptor.Requires::name)
                    .filter(n -> n.startsWith("dev.dream4j")).collect(Collectors.toCollection(TreeSet::new));
            Set<String> allowed = ALLOWED.get(d.name());
            assertTrue(allowed != null, "module " + d.name() + " is not in the design table");
            Set<String> extra = new TreeSet<>(ours);
            extra.removeAll(allowed);
            assertEquals(Set.of(), extra, d.name() + " requires modules the design does not allow");
        }
    }

    @Test
    void pluginModulesProvideWhatTheyImplement() {
        Map<String, ModuleDescriptor> modules = ourModules();
        Map<String, String> expected = Map.of(
                "dev.dream4j.backend.cpu", "dev.dream4j.spi.backend.BackendProvider",
                "dev.dream4j.samplers", "dev.dream4j.spi.sampling.SamplerProvider",
                "dev.dream4j.family.dream", "dev.dream4j.spi.model.ModelFamily",
                "dev.dream4j.family.llada", "dev.dream4j.spi.model.ModelFamily",
                "dev.dream4j.tokenizer.hf", "dev.dream4j.tokenizer.TokenizerProvider");
        expected.forEach((module, service) -> {
            ModuleDescriptor d = modules.get(module);
            assertTrue(d != null, module + " not found");
            assertTrue(d.provides().stream().anyMatch(p -> p.service().equals(service)), module + " provides " + service);
        });
        ModuleDescriptor kernel = modules.get("dev.dream4j.kernel");
        for (String service : expected.values()) {
            assertTrue(kernel.uses().contains(service), "kernel uses " + service);
        }
    }

    /**
     * Plug-ins (tokenizers, backends, families, samplers, infill strategies) are found by ServiceLoader and described
     * through the SPI: like an SLF4J provider, a plug-in module exports nothing, not even to a named module (ADR 0004).
     */
    @Test
    void pluginModulesExportNothing() {
        Map<String, ModuleDescriptor> modules = ourModules();
        for (ModuleDescriptor d : modules.values()) {
            assertEquals(Set.of(), pluginExports(d), d.name() + " is a plug-in and exports packages");
        }
        assertTrue(modules.keySet().stream().filter(ModuleGraphTest::isPlugin).collect(Collectors.toSet()).containsAll(Set.of(
                        "dev.dream4j.tokenizer.hf", "dev.dream4j.backend.cpu", "dev.dream4j.backend.onnx", "dev.dream4j.family.dream",
                        "dev.dream4j.family.llada", "dev.dream4j.samplers", "dev.dream4j.infill.dreamon")),
                "the plug-in modules were found: " + modules.keySet());
    }

    @Test
    void qualifiedExportsOfAPluginCount() {
        ModuleDescriptor plugin = ModuleDescriptor.newModule("dev.dream4j.backend.example")
                .exports(Set.of(), "dev.dream4j.backend.example.bench", Set.of("dev.dream4j.benchmarks")).build();
        assertEquals(Set.of("dev.dream4j.backend.example.bench to [dev.dream4j.benchmarks]"), pluginExports(plugin));
        ModuleDescriptor spi = ModuleDescriptor.newModule("dev.dream4j.tokenizer").exports("dev.dream4j.tokenizer").build();
        assertEquals(Set.of(), pluginExports(spi), "an SPI module exports its package");
    }

    /** What a plug-in module exports, qualified exports included; nothing for a module that is no plug-in. */
    static Set<String> pluginExports(ModuleDescriptor d) {
        if (!isPlugin(d.name())) {
            return Set.of();
        }
        return d.exports().stream().map(e -> e.isQualified() ? e.source() + " to " + new TreeSet<>(e.targets()) : e.source())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The plug-in modules: each is found through ServiceLoader, so none needs to export anything. */
    static boolean isPlugin(String module) {
        return module.equals("dev.dream4j.tokenizer.hf") || module.equals("dev.dream4j.samplers")
                || module.startsWith("dev.dream4j.backend.") || module.startsWith("dev.dream4j.family.")
                || module.startsWith("dev.dream4j.infill.");
    }
}
