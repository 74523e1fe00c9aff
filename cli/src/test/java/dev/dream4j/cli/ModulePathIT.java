package dev.dream4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the packaged CLI as {@code ./dream4j} does: a fresh JVM with every jar of {@code target/lib} on the module
 * path, so plug-ins are found through {@code module-info} {@code provides}, not META-INF/services.
 */
class ModulePathIT {
    private static final Path LIB = Path.of("target", "lib");

    record Result(int exit, String out, String err) {
    }

    static Result launch(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-p", LIB.toString(), "--add-modules", "ALL-MODULE-PATH",
                "-m", "dev.dream4j.cli/dev.dream4j.cli.Dream4jCli"));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("dream4j-out", ".txt");
        Path err = Files.createTempFile("dream4j-err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("dream4j did not finish: " + cmd);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void pluginsAreDiscoveredAsNamedModules() throws Exception {
        Result r = launch("plugins", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode list = new ObjectMapper().readTree(r.out());
        List<String> found = new ArrayList<>();
        list.forEach(p -> found.add(p.get("name").asText() + "@" + p.get("module").asText()));
        for (String expected : List.of("java-cpu@dev.dream4j.backend.cpu", "entropy@dev.dream4j.samplers",
                "hf@dev.dream4j.tokenizer.hf", "dream@dev.dream4j.family.dream")) {
            assertTrue(found.contains(expected), expected + " in " + found);
        }
    }

    @Test
    void generatesFromTheDemoModel() throws Exception {
        Result r = launch("generate", "--model", "demo", "--prompt", "def fibonacci(n):\n", "--max-new-tokens", "32",
                "--steps", "32", "--sampler", "entropy", "--temperature", "0.6", "--top-p", "0.95", "--seed", "2", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(32, j.get("generated_ids").size());
        assertTrue(j.get("text").asText().length() > 10, j.toString());
    }
}
