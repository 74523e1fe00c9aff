package dev.dream4j.cli;

import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.PluginNotFoundException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code dream4j}: generate code with diffusion language models, inspect checkpoints and plug-ins. */
@Command(name = "dream4j", mixinStandardHelpOptions = true, version = "dream4j 0.1.0",
        description = "Diffusion language models for code (Dream, Dream-Coder, DreamOn) on the JVM.",
        subcommands = {GenerateCommand.class, InfillCommand.class, TokenizeCommand.class, DetokenizeCommand.class,
                LogitsCommand.class, ExportOnnxCommand.class, PluginsCommand.class, SynthCheckpointCommand.class, BenchCommand.class, DecodeBenchCommand.class, ServeCommand.class, BenchServeCommand.class,
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

    /** Runs the command line with the given streams; returns the exit code. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Dream4jCli());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + message(ex));
            if (!(ex instanceof Dream4jException) && !(ex instanceof IllegalArgumentException)) {
                ex.printStackTrace(commandLine.getErr());
                return EXIT_FAILURE;
            }
            return ex instanceof InvalidRequestException || ex instanceof PluginNotFoundException
                    || ex instanceof Dream4jException || ex instanceof IllegalArgumentException ? EXIT_BAD_INPUT : EXIT_FAILURE;
        });
        return cl.execute(args);
    }

    private static String message(Throwable ex) {
        String m = ex.getMessage();
        return m == null ? ex.toString() : m;
    }
}
