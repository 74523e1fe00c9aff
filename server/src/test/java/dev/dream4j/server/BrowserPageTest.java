package dev.dream4j.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The canvas page in a real headless Chromium: src/test/browser/canvas-page.mjs (playwright-core driving
 * /usr/bin/chromium) checks screenshots of the canvas early (grey mask boxes) and late (filled in), and that Stop
 * cancels the generation on the server. Skipped, saying why, where Chromium, node or playwright-core is missing:
 * {@code apt-get install -y chromium nodejs npm && npm install --no-audit --no-fund --prefix server/src/test/browser}.
 */
class BrowserPageTest {

    @Test
    void canvasFillsInAndStopCancels() throws Exception {
        Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
        Path dir = Path.of(System.getProperty("dream4j.server.browserTest", "src/test/browser")).toAbsolutePath();
        assumeTrue(Files.isExecutable(chromium), "browser test skipped: no Chromium at " + chromium + " (apt-get install -y chromium)");
        String node = which("node");
        assumeTrue(node != null, "browser test skipped: node is not on the PATH (apt-get install -y nodejs npm)");
        assumeTrue(Files.isDirectory(dir.resolve("node_modules/playwright-core")),
                "browser test skipped: playwright-core is not installed (npm install --no-audit --no-fund --prefix " + dir + ")");

        Path shots = Path.of(System.getProperty("dream4j.server.reportDir", "target")).resolve("browser-shots").toAbsolutePath();
        try (Dream4jServer server = TestSupport.start(TestSupport.config())) {
            Process p = new ProcessBuilder(node, "canvas-page.mjs", server.url(), shots.toString())
                    .directory(dir.toFile()).redirectErrorStream(true).start();
            boolean finished = p.waitFor(180, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            System.out.println("browser test output:\n" + out);
            assertTrue(finished, "the browser test did not finish in 180 s:\n" + out);
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.lines().anyMatch("PASS"::equals), out);
            for (String shot : List.of("early.png", "late.png", "stopped.png")) {
                assertTrue(Files.size(shots.resolve(shot)) > 1000, shot);
            }
        }
    }

    private static String which(String command) throws IOException {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, command);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
