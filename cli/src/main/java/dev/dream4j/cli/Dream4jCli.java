package dev.dream4j.cli;

import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.PluginNotFoundException;
import dev.dream4j.tools.SynthCheckpointCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code dream4j}: generate code with diffusion language models, inspect checkpoints and plug-ins. */
@Command(name = "dream4j", mixinStandardHelpOptions = true, version = "dream4j 0.1.0",
        description = "Diffusion language models for code (Dream, Dream-Coder, DreamOn) on the JVM.",
        subcommands = {GenerateCommand.class, InfillCommand.class, TokenizeCommand.class, DetokenizeCommand.class,
                LogitsCommand.class, ExportOnnxCommand.class, PluginsCommand.class, SynthCheckpointCommand.class, QuantizeCommand.class, BenchCommand.class, DecodeBenchCommand.class, ServeCommand.class, BenchServeCommand.class,
                EvalCommand.class,
                CommandLine.HelpCommand.class})
public final class Dream4jCli {

    /** Exit code for bad input (a typed request, checkpoint or plug-in error). */
    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_FAILURE = 1;

    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "debug" : "warn");
        }
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Runs the command line with the given streams; returns the exit code: 0, 2 with one {@code error:} line for bad
     * input (every typed {@link Dream4jException}, bad option values), 1 with one {@code error:} line for anything
     * else, out-of-memory and stack overflow included. {@code --verbose} adds the stack trace.
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        CommandLine cl = new CommandLine(new Dream4jCli());
        ParameterHelp.describe(cl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, commandLine.getErr(), verbose));
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) { // in case picocli lets an Error through
            return report(e, err, verbose);
        }
    }

    /** One {@code error:} line (plus the trace when verbose) and the exit code for {@code ex}. */
    static int report(Throwable ex, PrintWriter err, boolean verbose) {
        int code;
        String line;
        if (ex instanceof Dream4jException || ex instanceof IllegalArgumentException) {
            code = EXIT_BAD_INPUT;
            line = message(ex);
        } else if (ex instanceof OutOfMemoryError) {
            code = EXIT_FAILURE;
            line = "out of memory (" + message(ex) + "); give the JVM more heap (-Xmx) or ask for less";
        } else if (ex instanceof StackOverflowError) {
            code = EXIT_FAILURE;
            line = "stack overflow; the input is nested too deeply";
        } else if (ex instanceof java.io.UncheckedIOException || ex instanceof java.io.IOException) {
            code = EXIT_FAILURE;
            line = message(ex);
        } else {
            code = EXIT_FAILURE;
            line = "internal error: " + ex + (verbose ? "" : " (rerun with --verbose for the stack trace)");
        }
        err.println("error: " + oneLine(line));
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** The first line of {@code s}, control characters escaped, so the error is one line whatever the input was. */
    private static String oneLine(String s) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 2000));
        for (int i = 0; i < s.length() && sb.length() < 2000; i++) {
            char c = s.charAt(i);
            sb.append(c == '\n' ? " | " : c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return sb.toString();
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        return m == null ? ex.toString() : m;
    }
}
