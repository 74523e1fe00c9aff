package dev.dream4j.cli;

import dev.dream4j.Dream4j;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.demo.DemoModel;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options every command that loads a model shares. */
final class ModelOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR|demo",
            description = "Hugging Face checkpoint directory, or 'demo' for the bundled tiny-dream-code model.")
    String model;

    @Option(names = "--backend", paramLabel = "NAME", description = "Backend plug-in (java-cpu, onnx, ...); default: highest priority available.")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Backend worker threads (default: all cores).")
    Integer threads;

    @Option(names = "--device", paramLabel = "DEV", description = "cpu, cuda, cuda:N or auto (backends with devices).")
    String device;

    @Option(names = "--verbose", description = "Log at debug level on stderr.")
    boolean verbose;

    @Option(names = "--backend-option", paramLabel = "KEY=VALUE",
            description = "A backend-specific setting (for example onnx.weights=int4, onnx.optimization=all); repeatable.")
    java.util.Map<String, String> backendOptions = new java.util.LinkedHashMap<>();

    @Option(names = "--plugins", paramLabel = "DIR", description = "A directory of plug-in jars (each loaded in its own module layer); repeatable.")
    List<Path> pluginDirectories = new ArrayList<>();

    Path directory() {
        return DemoModel.NAME.equals(model) ? DemoModel.directory() : Path.of(model);
    }

    DiffusionLM open() {
        return open(1);
    }

    /** The model with continuous batching of up to {@code maxBatch} canvas rows per step forward. */
    DiffusionLM open(int maxBatch) {
        Dream4j.Builder b = Dream4j.builder().model(directory()).backend(backend).device(device).maxBatch(maxBatch);
        pluginDirectories.forEach(b::pluginDirectory);
        backendOptions.forEach(b::property);
        if (threads != null) {
            b.threads(OptionLimits.check("--threads", threads, 1, OptionLimits.maxThreads()));
        }
        return b.build();
    }
}
