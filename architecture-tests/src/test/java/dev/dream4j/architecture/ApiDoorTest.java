package dev.dream4j.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API is the only door (DESIGN.md "The API is the only door"): applications, the CLI, the server and the
 * LangChain4j adapter compile against the {@code api} module and find the kernel through {@code ServiceLoader}, as
 * SLF4J applications find a provider. Developer tools that need more (synthetic checkpoints) live in {@code tools}.
 */
class ApiDoorTest {
    /** What lies behind the door: the kernel, the SPIs a plug-in implements, and the libraries only plug-ins use. */
    static final String[] BEHIND_THE_DOOR = {"dev.dream4j.kernel..", "dev.dream4j.spi..", "dev.dream4j.tokenizer..",
            "dev.dream4j.checkpoint..", "dev.dream4j.backend..", "dev.dream4j.family..", "dev.dream4j.samplers..",
            "dev.dream4j.infill.."};

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.dream4j");
    }

    @Test
    void cliServerAndAdaptersReachTheRuntimeOnlyThroughTheApi() {
        noClasses().that().resideInAnyPackage("dev.dream4j.cli..", "dev.dream4j.server..", "dev.dream4j.langchain4j..")
                .should().dependOnClassesThat().resideInAnyPackage(BEHIND_THE_DOOR)
                .because("the faces use the API alone; tools below the API live in the tools module").check(classes);
    }

    @Test
    void theFacesRequireNoModuleBehindTheDoor() {
        Map<String, ModuleDescriptor> modules = ModuleGraphTest.ourModules();
        Set<String> behind = Set.of("dev.dream4j.kernel", "dev.dream4j.spi", "dev.dream4j.tokenizer", "dev.dream4j.checkpoint");
        for (String face : Set.of("dev.dream4j.cli", "dev.dream4j.server", "dev.dream4j.langchain4j")) {
            ModuleDescriptor d = modules.get(face);
            assertTrue(d != null, face + " not found in " + modules.keySet());
            Set<String> requires = d.requires().stream().map(ModuleDescriptor.Requires::name)
                    .filter(behind::contains).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.of(), requires, face + " requires modules behind the API");
        }
    }

    @Test
    void theKernelExportsNothingAndIsFoundAsTheApisProvider() {
        Map<String, ModuleDescriptor> modules = ModuleGraphTest.ourModules();
        ModuleDescriptor kernel = modules.get("dev.dream4j.kernel");
        ModuleDescriptor api = modules.get("dev.dream4j.api");
        assertEquals(Set.of(), kernel.exports(), "the kernel exports packages");
        assertTrue(kernel.provides().stream().anyMatch(p -> p.service().equals("dev.dream4j.api.provider.Dream4jProvider")),
                "the kernel provides the API's runtime");
        assertTrue(api.uses().contains("dev.dream4j.api.provider.Dream4jProvider"), "the api module uses its provider service");
        assertTrue(api.requires().stream().map(ModuleDescriptor.Requires::name).noneMatch(n -> n.startsWith("dev.dream4j")),
                "the api module requires no other dream4j module");
        // whoever reads the kernel reads the API through it, and nothing behind it
        Set<String> transitive = kernel.requires().stream()
                .filter(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE))
                .map(ModuleDescriptor.Requires::name).filter(n -> n.startsWith("dev.dream4j"))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(Set.of("dev.dream4j.api"), transitive, "the kernel passes on modules behind the API");
    }

    @Test
    void theEntryPointHandsOutApiTypes() {
        var builder = classes.get("dev.dream4j.Dream4j$Builder");
        assertEquals("dev.dream4j.api.DiffusionLM", builder.getMethod("build").getRawReturnType().getName(),
                "Dream4j.Builder.build() must return the API interface, not the kernel's class");
        assertEquals("dev.dream4j.api.TextTokenizer", builder.getMethod("buildTokenizer").getRawReturnType().getName());
    }
}
