package dev.dream4j.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The dependency rules of DESIGN.md on the compiled classes: {@code api} knows no other module; plug-ins know only
 * {@code api}/{@code spi}/{@code tokenizer-spi}, never the kernel and never each other; the kernel knows no plug-in
 * class; nothing depends on the CLI or the server.
 */
class LayeringTest {
    static final String[] PLUGINS = {"dev.dream4j.tokenizer.hf..", "dev.dream4j.backend..", "dev.dream4j.samplers..",
            "dev.dream4j.infill..", "dev.dream4j.family.."};
    static final String[] KERNEL = {"dev.dream4j.kernel.."};
    /** The API module: the {@code Dream4j} entry point's package and {@code dev.dream4j.api..}. */
    static final String[] API = {"dev.dream4j", "dev.dream4j.api.."};

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.dream4j");
    }

    @Test
    void apiKnowsNoOtherModule() {
        classes().that().resideInAnyPackage(API)
                .should().onlyDependOnClassesThat().resideInAnyPackage(concat(API, new String[]{"java.."}))
                .because("applications see the api alone").check(classes);
    }

    @Test
    void spiKnowsOnlyTheApi() {
        noClasses().that().resideInAPackage("dev.dream4j.spi..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(KERNEL, PLUGINS, new String[]{"dev.dream4j.tokenizer..", "dev.dream4j.checkpoint..", "dev.dream4j.cli..", "dev.dream4j.server.."}))
                .check(classes);
    }

    @Test
    void pluginsKnowNeitherTheKernelNorEachOther() {
        for (String plugin : PLUGINS) {
            String[] others = java.util.Arrays.stream(PLUGINS).filter(p -> !p.equals(plugin)).toArray(String[]::new);
            // Backends may use checkpoint-io, the SPI-level library that reads checkpoint directories, for their
            // tools (benchmarks, ONNX export); see docs/adr/0002-checkpoint-io-module.md.
            String[] checkpoint = plugin.startsWith("dev.dream4j.backend") ? new String[0] : new String[]{"dev.dream4j.checkpoint.."};
            noClasses().that().resideInAPackage(plugin)
                    .should().dependOnClassesThat().resideInAnyPackage(concat(KERNEL, others, checkpoint,
                            new String[]{"dev.dream4j.conformance..", "dev.dream4j.cli..",
                                    "dev.dream4j.server..", "dev.dream4j.demo.."}))
                    .because("a plug-in is written against the SPI alone and must be droppable into any installation")
                    .check(classes);
        }
    }

    @Test
    void kernelKnowsNoPluginClass() {
        noClasses().that().resideInAnyPackage(KERNEL)
                .should().dependOnClassesThat().resideInAnyPackage(concat(PLUGINS, new String[]{"dev.dream4j.cli..", "dev.dream4j.server.."}))
                .because("plug-ins are found through ServiceLoader, never named").check(classes);
    }

    @Test
    void javaCpuCallsNoNativeCode() {
        noClasses().that().resideInAPackage("dev.dream4j.backend.cpu..")
                .should().dependOnClassesThat().haveFullyQualifiedName("java.lang.foreign.Linker")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.foreign.SymbolLookup")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.foreign.FunctionDescriptor")
                .because("java-cpu computes in fp32 through the Vector API and never crashes the JVM on a native bounds error "
                        + "(DESIGN.md, Weights and formats; ADR 0005)")
                .check(classes);
    }

    @Test
    void nothingDependsOnTheCliOrTheServer() {
        noClasses().that().resideOutsideOfPackages("dev.dream4j.cli..", "dev.dream4j.server..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.dream4j.cli..", "dev.dream4j.server..")
                .check(classes);
        noClasses().that().resideInAPackage("dev.dream4j.server..")
                .should().dependOnClassesThat().resideInAPackage("dev.dream4j.cli..").allowEmptyShould(true).check(classes);
    }

    @Test
    void noReflectiveDiscovery() {
        noClasses().that().resideInAnyPackage("dev.dream4j..")
                .should().callMethod(Class.class, "forName", String.class)
                .orShould().callMethod(Class.class, "forName", String.class, boolean.class, ClassLoader.class)
                .because("plug-ins are discovered with ServiceLoader, not Class.forName chains").check(classes);
    }

    @Test
    void noStandardOutputOutsideTheCli() {
        noClasses().that().resideOutsideOfPackages("dev.dream4j.cli..", "dev.dream4j.benchmarks..")
                .should().accessField(System.class, "out")
                .because("libraries log through SLF4J; only the CLI and benchmark mains print").check(classes);
    }

    static String[] concat(String[]... parts) {
        return java.util.Arrays.stream(parts).flatMap(java.util.Arrays::stream).toArray(String[]::new);
    }
}
