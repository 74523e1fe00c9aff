package dev.dream4j.kernel;

import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.PluginKind;
import dev.dream4j.api.TextTokenizer;
import dev.dream4j.api.provider.Dream4jProvider;
import dev.dream4j.api.provider.LoadSettings;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.kernel.plugin.PluginRegistry;
import dev.dream4j.spi.backend.ExporterProvider;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The kernel as {@link dev.dream4j.Dream4j} finds it: discovers plug-ins (one {@link PluginRegistry} per call, so
 * plug-in directories never leak between models) and chooses family, tokenizer and backend in one place.
 */
public final class KernelProvider implements Dream4jProvider {

    /** Public and argument-free for {@link java.util.ServiceLoader}. */
    public KernelProvider() {
    }

    @Override
    public DiffusionLM open(LoadSettings settings) {
        return Dream4jModel.open(settings, registry(settings.pluginDirectories(), settings.warnings()));
    }

    @Override
    public TextTokenizer openTokenizer(LoadSettings settings) {
        PluginRegistry registry = registry(settings.pluginDirectories(), settings.warnings());
        return new TokenizerText(Dream4jModel.tokenizerProvider(registry, settings.model(), settings.tokenizer())
                .load(settings.model()));
    }

    @Override
    public List<PluginInfo> plugins(List<Path> pluginDirectories, Optional<Consumer<String>> warnings) {
        return registry(pluginDirectories, warnings).descriptors();
    }

    @Override
    public void export(Path modelDir, String format, Path outDir, Map<String, String> options, List<Path> pluginDirectories) {
        PluginRegistry registry = registry(pluginDirectories, Optional.empty());
        ExporterProvider exporter = registry.select(PluginKind.EXPORTER, ExporterProvider.class, Optional.of(format));
        try (Checkpoint checkpoint = HfCheckpoint.open(modelDir)) {
            ModelDescription model = Dream4jModel.describe(registry, checkpoint);
            exporter.export(model, checkpoint, outDir, Map.copyOf(options));
        }
    }

    private static PluginRegistry registry(List<Path> pluginDirectories, Optional<Consumer<String>> warnings) {
        return warnings.isPresent()
                ? PluginRegistry.discover(pluginDirectories, warnings.get())
                : PluginRegistry.discover(pluginDirectories);
    }
}
