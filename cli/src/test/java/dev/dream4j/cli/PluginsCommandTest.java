package dev.dream4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dream4j plugins} with a plug-in directory that holds a broken jar. */
class PluginsCommandTest {

    @Test
    void eachLoadProblemIsPrintedOnce(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("corrupt.jar"), new byte[]{1, 2, 3});
        // the log (slf4j-simple writes to System.err) and the command's own stderr together
        PrintStream original = System.err;
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        CliEndToEndTest.Run r;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            r = CliEndToEndTest.cli("plugins", "--plugins", dir.toString());
        } finally {
            System.setErr(original);
        }
        assertEquals(0, r.exit(), r.err());
        String everything = r.err() + log.toString(StandardCharsets.UTF_8);
        assertEquals(1, everything.split("corrupt\\.jar", -1).length - 1, everything);
        assertTrue(r.err().startsWith("warning: plug-in " + dir.resolve("corrupt.jar")), r.err());
    }
}
