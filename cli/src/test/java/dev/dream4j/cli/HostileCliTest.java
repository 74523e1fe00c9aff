package dev.dream4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.dream4j.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad invocations: exit code 2 and exactly one {@code error:} line, before any expensive work. */
class HostileCliTest {
    @TempDir
    Path tmp;

    private static void badInput(CliEndToEndTest.Run r, String mentions) {
        assertEquals(2, r.exit(), r.err());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("error: ") && lines[0].contains(mentions), r.err());
    }

    @Test
    void numericOptionsHaveExplicitLimits() throws Exception {
        badInput(cli("bench", "--model", "demo", "--canvas", "-1"), "--canvas");
        badInput(cli("generate", "--model", "demo", "--prompt", "x", "--num-return-sequences", "100000000"), "--num-return-sequences");
        badInput(cli("generate", "--model", "demo", "--prompt", "x", "--threads", "100000"), "--threads");
        badInput(cli("generate", "--model", "demo", "--prompt", "x", "--threads", "0"), "--threads");
        badInput(cli("synth-checkpoint", "--out", tmp.resolve("s").toString(), "--shards", "100000"), "--shards");
        assertFalse(Files.exists(tmp.resolve("s")), "nothing written");
    }

    @Test
    void synthCheckpointRefusesAnExistingFileAsOut() throws Exception {
        Path file = Files.writeString(tmp.resolve("file"), "keep me");
        badInput(cli("synth-checkpoint", "--out", file.toString()), "--out");
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void serveRefusesABadHostInOneLine() {
        badInput(cli("serve", "--model", "demo", "--host", "not a host"), "--host");
        badInput(cli("serve", "--model", "demo", "--host", "no-such-host.invalid"), "--host");
    }

    @Test
    void typedErrorsAreOneLineAndVerboseAddsTheTrace() {
        badInput(cli("tokenize", "--model", tmp.resolve("missing").toString(), "--text", "x"), "missing");
        CliEndToEndTest.Run verbose = cli("logits", "--model", tmp.resolve("missing").toString(), "--ids", "1", "--verbose");
        assertEquals(2, verbose.exit());
        assertTrue(verbose.err().lines().count() > 1 && verbose.err().contains("\tat "), verbose.err());
    }

    @Test
    void errorsOfTheJvmAreContainedInOneLine() {
        StringWriter err = new StringWriter();
        assertEquals(Dream4jCli.EXIT_FAILURE, Dream4jCli.report(new OutOfMemoryError("Java heap space"), new PrintWriter(err), false));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("error: out of memory"), err.toString());
        StringWriter err2 = new StringWriter();
        assertEquals(Dream4jCli.EXIT_FAILURE, Dream4jCli.report(new StackOverflowError(), new PrintWriter(err2), false));
        assertEquals(1, err2.toString().strip().lines().count(), err2.toString());
        StringWriter err3 = new StringWriter();
        Dream4jCli.report(new dev.dream4j.api.InvalidRequestException("x", "line one\nline two\u0007"), new PrintWriter(err3), false);
        assertEquals(1, err3.toString().strip().lines().count(), err3.toString());
    }

    @Test
    void tooManyIdsForOneLogitsArrayAreRefused() {
        // 2048-entry demo vocabulary: 1,048,576 ids would be 2^31 logits
        String ids = "1,".repeat((1 << 20)) + "1";
        CliEndToEndTest.Run r = cli("logits", "--model", "demo", "--ids", ids);
        badInput(r, "ids");
    }
}
