package dev.dream4j.kernel.plugin;

import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.PluginKind;
import dev.dream4j.spi.SpiVersion;

import dev.dream4j.api.PluginNotFoundException;
import dev.dream4j.spi.sampling.SamplerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plug-in jars compiled and packed by the test, then loaded from a directory as an operator would drop them in. */
class PluginDirectoriesTest {

    @TempDir
    Path tmp;

    /** Compiles one sampler provider called {@code name} declaring {@code spiVersion} into {@code jar}. */
    private Path pluginJar(Path jar, String name, int spiVersion, boolean withClass) throws IOException {
        return pluginJar(jar, name, spiVersion, withClass, "");
    }

    /** As above, the provider's constructor running {@code constructorBody}. */
    private Path pluginJar(Path jar, String name, int spiVersion, boolean withClass, String constructorBody) throws IOException {
        return pluginJar(jar, name, spiVersion, withClass, constructorBody, "");
    }

    /** As above, with more {@code members} in the provider class. */
    private Path pluginJar(Path jar, String name, int spiVersion, boolean withClass, String constructorBody, String members)
            throws IOException {
        String pkg = "thirdparty" + Math.abs((name + constructorBody + members).hashCode());
        String source = """
                package %s;
                public final class Provider implements dev.dream4j.spi.sampling.SamplerProvider {
                    public Provider() { %s }
                    public String name() { return "%s"; }
                    public int spiVersion() { return %d; }
                    public dev.dream4j.spi.sampling.Sampler create(dev.dream4j.spi.sampling.SamplingParams p) {
                        return (ctx, logits, random) -> dev.dream4j.spi.sampling.StepDecision.none();
                    }
                    %s
                }
                """.formatted(pkg, constructorBody, name, spiVersion, members);
        Path src = tmp.resolve("src-" + name).resolve(pkg).resolve("Provider.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path classes = tmp.resolve("classes-" + name);
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"), src.toString());
        assertEquals(0, rc, "test plug-in compiles");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("META-INF/services/" + SamplerProvider.class.getName()));
            out.write((pkg + ".Provider\n").getBytes(StandardCharsets.UTF_8));
            if (withClass) {
                try (Stream<Path> files = Files.list(classes.resolve(pkg))) {
                    for (Path p : files.toList()) {
                        out.putNextEntry(new JarEntry(pkg + "/" + p.getFileName()));
                        out.write(Files.readAllBytes(p));
                    }
                }
            }
        }
        return jar;
    }

    @Test
    void aDroppedInSamplerIsFoundAndSelectable() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        pluginJar(dir.resolve("good.jar"), "left-to-right", SpiVersion.MAJOR, true);
        PluginRegistry registry = PluginRegistry.discover(List.of(dir));
        SamplerProvider p = registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of("left-to-right"));
        assertEquals("left-to-right", p.name());
        PluginInfo d = registry.descriptors().stream().filter(x -> x.name().equals("left-to-right")).findFirst().orElseThrow();
        assertEquals(dir.resolve("good.jar").toString(), d.origin());
    }

    @Test
    void aBrokenJarIsReportedAndTheGoodOneStillWorks() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        pluginJar(dir.resolve("a-broken.jar"), "broken", SpiVersion.MAJOR, false);
        pluginJar(dir.resolve("b-good.jar"), "left-to-right", SpiVersion.MAJOR, true);
        PluginRegistry registry = PluginRegistry.discover(List.of(dir));
        assertEquals("left-to-right", registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of("left-to-right")).name());
        assertTrue(registry.problems().stream().anyMatch(p -> p.contains("a-broken.jar")), registry.problems().toString());
        assertThrows(PluginNotFoundException.class, () -> registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of("broken")));
    }

    @Test
    void aPluginForAnotherSpiVersionIsRefused() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        pluginJar(dir.resolve("old.jar"), "from-the-future", 99, true);
        PluginRegistry registry = PluginRegistry.discover(List.of(dir));
        assertTrue(registry.problems().stream().anyMatch(p -> p.contains("SPI version 99")), registry.problems().toString());
        var e = assertThrows(PluginNotFoundException.class,
                () -> registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of("from-the-future")));
        assertTrue(e.getMessage().contains("unknown sampler 'from-the-future'"), e.getMessage());
    }

    @Test
    void duplicateNamesKeepTheFirstInADeterministicOrder() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        pluginJar(dir.resolve("b.jar"), "twin", SpiVersion.MAJOR, true);
        Path other = Files.createDirectories(tmp.resolve("other"));
        // Same name, different class, in a later jar name of the same directory.
        Path c = pluginJar(other.resolve("c.jar"), "twin", SpiVersion.MAJOR, true);
        Files.move(c, dir.resolve("c.jar"));
        PluginRegistry registry = PluginRegistry.discover(List.of(dir));
        PluginInfo d = registry.descriptors().stream().filter(x -> x.name().equals("twin")).findFirst().orElseThrow();
        assertEquals(dir.resolve("b.jar").toString(), d.origin());
        assertEquals(1, registry.descriptors().stream().filter(x -> x.name().equals("twin")).count());
    }

    /** {@code source} (a jar, or a classes directory as the reactor gives it) packed as {@code jar}. */
    private static Path copyAsJar(Path source, Path jar) throws IOException {
        if (Files.isRegularFile(source)) {
            return Files.copy(source, jar);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(source)) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(source.relativize(p).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(p));
            }
        }
        return jar;
    }

    private static Path codeSource(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void bundledSdkJarsAreIgnoredWithOneWarningAndThePluginStillLoads() throws IOException {
        // a plug-in built with the SDK in compile scope: its directory carries dream4j-spi and dream4j-api copies
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path entry = Files.createDirectories(dir.resolve("left-to-right"));
        pluginJar(entry.resolve("left-to-right-1.0.jar"), "left-to-right", SpiVersion.MAJOR, true);
        copyAsJar(codeSource(SamplerProvider.class), entry.resolve("dream4j-spi-0.1.0.jar"));
        copyAsJar(codeSource(dev.dream4j.api.Dream4jException.class), entry.resolve("dream4j-api-0.1.0.jar"));
        List<String> reported = new java.util.ArrayList<>();
        PluginRegistry registry = PluginRegistry.discover(List.of(dir), reported::add);
        assertEquals("left-to-right", registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of("left-to-right")).name());
        assertEquals(1, reported.size(), reported.toString());
        assertTrue(reported.getFirst().contains("dream4j-spi-0.1.0.jar") && reported.getFirst().contains("dream4j-api-0.1.0.jar"),
                reported.toString());
    }

    @Test
    void onTheModulePathTheLayerOfAPluginBundlingTheSdkLinksToOurSpiNotItsCopy() throws IOException {
        // dream4j on the module path: a parent layer holding dev.dream4j.spi and dev.dream4j.api as named modules
        Path sdk = Files.createDirectories(tmp.resolve("sdk"));
        ModuleFinder ours = ModuleFinder.of(copyAsJar(codeSource(SamplerProvider.class), sdk.resolve("spi.jar")),
                copyAsJar(codeSource(dev.dream4j.api.Dream4jException.class), sdk.resolve("api.jar")));
        Configuration cf = ModuleLayer.boot().configuration().resolve(ours, ModuleFinder.of(), Set.of("dev.dream4j.spi"));
        ModuleLayer parent = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        Path entry = Files.createDirectories(dir.resolve("left-to-right"));
        pluginJar(entry.resolve("left-to-right-1.0.jar"), "left-to-right", SpiVersion.MAJOR, true);
        copyAsJar(codeSource(SamplerProvider.class), entry.resolve("dream4j-spi-0.1.0.jar"));
        PluginDirectories.Loaded loaded = PluginDirectories.load(List.of(dir), parent);
        assertEquals(1, loaded.sources().size(), loaded.problems().toString());
        ModuleLayer layer = loaded.sources().getFirst().layer();
        // a copy of the SPI in the plug-in's layer would give it other service interfaces than ours: not found
        assertEquals(parent, layer.findModule("dev.dream4j.spi").orElseThrow().getLayer());
        assertTrue(layer.findModule("left.to.right").isPresent(), layer.modules().toString());
        assertEquals(1, loaded.problems().size(), loaded.problems().toString());
        assertTrue(loaded.problems().getFirst().contains("dream4j-spi-0.1.0.jar"), loaded.problems().toString());
    }

    @Test
    void sdkJarsAreRecognisedByModuleNameAsWellAsByFileName() throws IOException {
        Path renamed = copyAsJar(codeSource(SamplerProvider.class), tmp.resolve("spi-copy.jar"));
        assertTrue(PluginDirectories.isSdk(renamed), "dev.dream4j.spi under another file name");
        assertTrue(PluginDirectories.isSdk(tmp.resolve("dream4j-tokenizer-spi-0.1.0-SNAPSHOT.jar")));
        Path plugin = pluginJar(tmp.resolve("dream4j-spi-extras.jar"), "extras", SpiVersion.MAJOR, true);
        assertFalse(PluginDirectories.isSdk(plugin), "a plug-in whose name only starts like an SDK artifact");
    }

    @Test
    void aPluginWithAnInvalidNameIsRefusedNamingTheJarAndTheName() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        pluginJar(dir.resolve("spaced.jar"), "My Sampler", SpiVersion.MAJOR, true);
        pluginJar(dir.resolve("dotted.jar"), "acme.left_to-right2", SpiVersion.MAJOR, true);
        PluginRegistry registry = PluginRegistry.discover(List.of(dir), p -> { });
        assertThrows(PluginNotFoundException.class,
                () -> registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of("My Sampler")));
        assertTrue(registry.problems().stream().anyMatch(p -> p.contains("'My Sampler'") && p.contains("spaced.jar")),
                registry.problems().toString());
        assertEquals("acme.left_to-right2", registry.select(PluginKind.SAMPLER, SamplerProvider.class,
                Optional.of("acme.left_to-right2")).name(), "dots, digits, '-' and '_' are allowed");
    }

    @Test
    void eachProblemIsReportedOnceWithItsCausesMessage() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        pluginJar(dir.resolve("a-throws.jar"), "throws", SpiVersion.MAJOR, true,
                "throw new IllegalStateException(\"needs ACME_HOME\");");
        pluginJar(dir.resolve("b-broken.jar"), "broken", SpiVersion.MAJOR, false);
        List<String> reported = new java.util.ArrayList<>();
        PluginRegistry registry = PluginRegistry.discover(List.of(dir), reported::add);
        assertEquals(registry.problems(), reported, "the reporter gets every problem, in order");
        assertEquals(2, reported.size(), reported.toString());
        assertTrue(reported.get(0).contains("a-throws.jar") && reported.get(0).contains("needs ACME_HOME"), reported.get(0));
        assertTrue(reported.get(1).contains("b-broken.jar"), reported.get(1));
    }

    @Test
    void aMissingDirectoryIsAProblemNotACrash() {
        PluginRegistry registry = PluginRegistry.discover(List.of(tmp.resolve("nope")));
        assertTrue(registry.problems().getFirst().contains("does not exist"));
    }

    @Test
    void aPluginDeclaringAnOptionNameTwiceIsSkippedWithAReason() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("plugins"));
        pluginJar(dir.resolve("twice.jar"), "twice", SpiVersion.MAJOR, true, "", """
                public java.util.List<dev.dream4j.api.OptionSpec> options() {
                    return java.util.List.of(dev.dream4j.api.OptionSpec.bool("x", false, "one"),
                            dev.dream4j.api.OptionSpec.integer("x", 0, 3, 1, "two"));
                }
                """);
        PluginRegistry registry = PluginRegistry.discover(List.of(dir));
        assertThrows(PluginNotFoundException.class, () -> registry.select(PluginKind.SAMPLER, SamplerProvider.class, Optional.of("twice")));
        assertTrue(registry.problems().stream().anyMatch(p -> p.contains("twice.jar") && p.contains("declares an option name twice: [x, x]")),
                registry.problems().toString());
    }
}
