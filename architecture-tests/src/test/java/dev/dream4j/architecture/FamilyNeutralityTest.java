package dev.dream4j.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DESIGN.md: model families are data. The kernel and the backends hold no family-specific code: no type named after a
 * family (such as a {@code DreamGraph}), and no string literal that is a family's tensor name, special token, or
 * config key. A family plug-in describes everything through {@code ModelDescription} (recipe, tensor map, ids,
 * defaults).
 */
class FamilyNeutralityTest {
    /** Source roots of the modules that must stay family-neutral. */
    static final List<String> NEUTRAL = List.of("kernel", "backend-java-cpu", "backend-onnx-cuda");
    /** A family name in a type name ({@code Dream4j} is the product, not a family). */
    static final Pattern FAMILY_TYPE = Pattern.compile("(?i).*(dream(?!4j)|llada|qwen|olmo|llama).*");
    /** Fragments of published tensor names, special tokens and config keys. */
    static final List<String> FAMILY_STRINGS = List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
            "down_proj", "embed_tokens", "lm_head", "input_layernorm", "post_attention_layernorm", "model.layers",
            "model.transformer", "attn_out", "ff_proj", "ff_out", "attn_norm", "ff_norm", "ln_f", "wte", "<|mask|>",
            "<|endoftext|>", "<|expand|>", "<|mdm_mask|>", "rope_theta", "rms_norm_eps", "mask_token_id",
            "num_hidden_layers", "hidden_size", "d_model");
    static final Pattern STRING_LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");

    @Test
    void neutralModulesDeclareNoFamilyNamedTypes() {
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.dream4j.kernel", "dev.dream4j.backend");
        List<String> bad = new ArrayList<>();
        for (JavaClass c : classes) {
            if (FAMILY_TYPE.matcher(c.getSimpleName()).matches()) {
                bad.add(c.getName());
            }
        }
        assertTrue(bad.isEmpty(), "family-named types in the kernel or a backend: " + bad);
        assertTrue(classes.size() > 20, "the kernel and backend classes were found: " + classes.size());
    }

    @Test
    void neutralModulesHoldNoTensorNamesSpecialTokensOrConfigKeys() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<String> bad = new ArrayList<>();
        int files = 0;
        for (String module : NEUTRAL) {
            Path src = root.resolve(module).resolve("src/main/java");
            assertTrue(Files.isDirectory(src), "source root " + src);
            try (Stream<Path> walk = Files.walk(src)) {
                for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                    files++;
                    String text = stripComments(Files.readString(f));
                    Matcher m = STRING_LITERAL.matcher(text);
                    while (m.find()) {
                        for (String fragment : FAMILY_STRINGS) {
                            if (m.group(1).contains(fragment)) {
                                bad.add(root.relativize(f) + ": \"" + m.group(1) + "\" contains " + fragment);
                            }
                        }
                    }
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        assertTrue(files > 20, "sources were scanned: " + files);
        assertTrue(bad.isEmpty(), "family knowledge in the kernel or a backend:\n" + String.join("\n", bad));
    }

    /** Names of the built-in samplers: which one runs by default is the family's or the infill plug-in's to say. */
    static final List<String> SAMPLER_NAMES = List.of("origin", "entropy", "maskgit_plus", "topk_margin", "low_confidence",
            "random", "fast-dllm-threshold", "fast-dllm-factor");

    @Test
    void theKernelNamesNoSampler() throws IOException {
        Path src = Path.of("..").toAbsolutePath().normalize().resolve("kernel/src/main/java");
        List<String> bad = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(src)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = STRING_LITERAL.matcher(stripComments(Files.readString(f)));
                while (m.find()) {
                    if (SAMPLER_NAMES.contains(m.group(1))) {
                        bad.add(src.relativize(f) + ": \"" + m.group(1) + "\"");
                    }
                }
            }
        }
        assertTrue(bad.isEmpty(), "sampler names in the kernel (a default belongs to the family or the plug-in):\n"
                + String.join("\n", bad));
    }

    @Test
    void theScannerFindsWhatItLooksFor() {
        String sample = stripComments("// \"model.layers.0\"\nString a = \"model.layers.\" + l; /* \"lm_head\" */ String b = \"x\";");
        Matcher m = STRING_LITERAL.matcher(sample);
        List<String> literals = new ArrayList<>();
        while (m.find()) {
            literals.add(m.group(1));
        }
        assertTrue(literals.equals(List.of("model.layers.", "x")), literals.toString());
        assertTrue(FAMILY_TYPE.matcher("DreamGraph").matches() && !FAMILY_TYPE.matcher("Dream4jModel").matches());
    }

    /** Removes line and block comments (string literals containing comment markers are rare enough here). */
    static String stripComments(String java) {
        return java.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)^\\s*//.*$", " ").replaceAll("(?m)\\s//[^\"\\n]*$", " ");
    }
}
