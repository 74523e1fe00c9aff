package dev.dream4j.api.provider;

import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.TextTokenizer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The runtime behind {@link dev.dream4j.Dream4j}, found with {@link java.util.ServiceLoader} as SLF4J finds its
 * provider: applications compile against the {@code api} module alone and put a runtime (the {@code kernel} module)
 * and plug-ins on the module or class path. Implementations live in modules that export nothing.
 */
public interface Dream4jProvider {

    /** Opens a checkpoint with the plug-ins {@code settings} selects. */
    DiffusionLM open(LoadSettings settings);

    /** Only the tokenizer of a checkpoint directory: no weights are mapped and no backend starts. */
    TextTokenizer openTokenizer(LoadSettings settings);

    /**
     * Every plug-in found (built-in and in {@code pluginDirectories}), unavailable ones included.
     *
     * @param warnings receives each load problem once; empty: the runtime logs them
     */
    List<PluginInfo> plugins(List<Path> pluginDirectories, Optional<Consumer<String>> warnings);

    /**
     * Writes the checkpoint in {@code modelDir} in another format with the exporter plug-in {@code format}.
     *
     * @param options the exporter's settings by name
     */
    void export(Path modelDir, String format, Path outDir, Map<String, String> options, List<Path> pluginDirectories);
}
