package dev.dream4j.kernel.plugin;

import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.PluginKind;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.backend.ExporterProvider;
import dev.dream4j.spi.infill.InfillStrategyProvider;
import dev.dream4j.spi.model.ModelFamily;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.tokenizer.TokenizerProvider;

import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.OptionSpec;
import dev.dream4j.api.PluginNotFoundException;
import dev.dream4j.spi.Plugin;
import dev.dream4j.spi.SpiVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.nio.file.Path;
import java.util.SequencedSet;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Every plug-in the kernel can use, found through {@link ServiceLoader} on the module path and the class path (and
 * in extra module layers). Discovery only constructs providers and asks their name, priority and availability:
 * providers must not load native code or touch files when constructed. Immutable once built; an instance per
 * {@code Dream4j} model, never a static registry.
 *
 * <p>What goes wrong during discovery (a broken jar, a constructor that throws, a bad name, another SPI version) is
 * collected as a problem, each once and with its causes' messages, and handed to one reporter at the end: SLF4J by
 * default, or the caller's (as {@code dream4j plugins} prints its own {@code warning:} lines), never both.
 */
public final class PluginRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(PluginRegistry.class);

    /** What users type to select a plug-in: lower-case letters, digits, '-', '_' and '.'. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

    /** The default reporter: one SLF4J warning per problem. */
    private static final Consumer<String> LOG_PROBLEM = p -> LOG.warn("{}", p);

    /** One provider and how it was found. */
    public record Entry<T>(T provider, PluginInfo descriptor) {
    }

    private final Map<PluginKind, List<Entry<?>>> entries;
    private final List<String> problems;

    private PluginRegistry(Map<PluginKind, List<Entry<?>>> entries, List<String> problems) {
        this.entries = entries;
        this.problems = List.copyOf(problems);
    }

    /** Discovers the providers visible to this module (module path) or to the context class loader (class path). */
    public static PluginRegistry discover() {
        return discover(List.of(BUILT_IN), List.of(), LOG_PROBLEM);
    }

    /**
     * Built-in providers, then those of each plug-in directory (every jar or sub-directory in its own layer). A
     * built-in wins a name clash; between directories the first in order wins, with a warning naming both.
     */
    public static PluginRegistry discover(List<Path> pluginDirectories) {
        return discover(pluginDirectories, LOG_PROBLEM);
    }

    /**
     * As {@link #discover(List)}, handing each load problem once to {@code reporter} instead of the log (for a
     * command that prints them itself).
     */
    public static PluginRegistry discover(List<Path> pluginDirectories, Consumer<String> reporter) {
        PluginDirectories.Loaded loaded = PluginDirectories.load(pluginDirectories);
        List<Source> sources = new ArrayList<>();
        sources.add(BUILT_IN);
        sources.addAll(loaded.sources());
        return discover(sources, loaded.problems(), reporter);
    }

    /**
     * A place to look for providers: a module layer or a class loader of a plug-in directory entry, or neither for
     * the application's own module path / class path.
     */
    public record Source(ModuleLayer layer, ClassLoader loader, String origin) {
    }

    private static final Source BUILT_IN = new Source(null, null, "built-in");

    static PluginRegistry discover(List<Source> sources, List<String> earlierProblems, Consumer<String> reporter) {
        Map<PluginKind, List<Entry<?>>> all = new EnumMap<>(PluginKind.class);
        // a set: a broken provider of a parent layer or loader is met again through every plug-in source
        SequencedSet<String> problems = new LinkedHashSet<>(earlierProblems);
        for (PluginKind kind : PluginKind.values()) {
            Map<String, Entry<?>> byName = new LinkedHashMap<>();
            for (Source source : sources) {
                load(kind, source, byName, problems);
            }
            List<Entry<?>> list = new ArrayList<>(byName.values());
            list.sort(Comparator.comparingInt((Entry<?> e) -> -e.descriptor().priority())
                    .thenComparing(e -> e.descriptor().name()));
            all.put(kind, Collections.unmodifiableList(list));
        }
        problems.forEach(reporter);
        return new PluginRegistry(all, List.copyOf(problems));
    }

    private static void load(PluginKind kind, Source source, Map<String, Entry<?>> byName, SequencedSet<String> problems) {
        ServiceLoader<?> loader = source.layer() != null ? ServiceLoader.load(source.layer(), service(kind))
                : ServiceLoader.load(service(kind), source.loader() != null ? source.loader() : loaderFor(kind));
        var iterator = loader.stream().iterator();
        while (true) {
            ServiceLoader.Provider<?> p;
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                p = iterator.next();
            } catch (ServiceConfigurationError e) {
                problems.add(kind.label() + " provider from " + source.origin() + " cannot be loaded: " + messages(e)
                        + " (skipped)");
                continue;
            }
            if (source.layer() != null && p.type().getModule().getLayer() != source.layer()) {
                continue; // a provider of a parent layer: already found as a built-in
            }
            if (source.loader() != null && p.type().getClassLoader() != source.loader()) {
                continue; // a provider of the parent class loader: already found as a built-in
            }
            Object provider;
            try {
                provider = p.get();
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add(kind.label() + " provider " + p.type().getName() + " from " + source.origin()
                        + " failed to start: " + messages(e) + " (skipped)");
                continue;
            }
            PluginInfo d;
            try {
                d = describe(kind, provider, source.origin());
            } catch (RuntimeException | LinkageError e) {
                problems.add(kind.label() + " provider " + p.type().getName() + " from " + source.origin() + " is broken: "
                        + messages(e) + " (skipped)");
                continue;
            }
            if (provider instanceof Plugin plugin && plugin.spiVersion() != SpiVersion.MAJOR) {
                problems.add(kind.label() + " '" + d.name() + "' (" + d.implementation() + ") from " + source.origin()
                        + " was built for SPI version " + plugin.spiVersion() + ", this dream4j has SPI " + SpiVersion.string()
                        + " (refused)");
                continue;
            }
            if (!NAME.matcher(d.name()).matches()) {
                problems.add(kind.label() + " '" + d.name() + "' (" + d.implementation() + ", module " + d.module() + ") from "
                        + source.origin() + " has an invalid name: names are lower-case letters, digits, '-', '_' and '.'"
                        + " (refused)");
                continue;
            }
            Entry<?> existing = byName.get(d.name());
            if (existing != null) {
                if (!existing.descriptor().implementation().equals(d.implementation()) || !existing.descriptor().origin().equals(d.origin())) {
                    problems.add("two " + kind.label() + " plug-ins are named '" + d.name() + "': "
                            + existing.descriptor().implementation() + " (" + existing.descriptor().origin() + ") and "
                            + d.implementation() + " (" + d.origin() + "); keeping the first found ("
                            + existing.descriptor().origin() + ")");
                }
                continue;
            }
            byName.put(d.name(), new Entry<>(provider, d));
        }
    }

    /**
     * A throwable and its causes as one line: {@code ServiceConfigurationError} says only "could not be instantiated",
     * the constructor's own message is in the cause.
     */
    static String messages(Throwable e) {
        StringBuilder sb = new StringBuilder(e.toString());
        for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
            sb.append(": ").append(c);
        }
        return sb.toString();
    }

    /** The service interface of each kind of plug-in. */
    static Class<?> service(PluginKind kind) {
        return switch (kind) {
            case BACKEND -> BackendProvider.class;
            case SAMPLER -> SamplerProvider.class;
            case LOGITS_PROCESSOR -> LogitsProcessorProvider.class;
            case TOKENIZER -> TokenizerProvider.class;
            case MODEL_FAMILY -> ModelFamily.class;
            case INFILL -> InfillStrategyProvider.class;
            case EXPORTER -> ExporterProvider.class;
        };
    }

    private static ClassLoader loaderFor(PluginKind kind) {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : service(kind).getClassLoader();
    }

    private static PluginInfo describe(PluginKind kind, Object provider, String origin) {
        String name;
        int priority;
        String description;
        String unavailable = "";
        switch (provider) {
            case Plugin plugin -> {
                name = plugin.name();
                priority = plugin.priority();
                description = plugin.description();
                if (plugin instanceof BackendProvider b) {
                    unavailable = b.unavailableReason().filter(r -> !r.isBlank())
                            .or(() -> b.isAvailable() ? Optional.empty() : Optional.of("unavailable on this machine"))
                            .orElse("");
                }
            }
            case TokenizerProvider t -> {
                name = t.name();
                priority = t.priority();
                description = t.description();
            }
            default -> throw new Dream4jException("not a dream4j provider: " + provider.getClass().getName());
        }
        if (name == null || name.isBlank()) {
            throw new Dream4jException("provider " + provider.getClass().getName() + " has no name");
        }
        Module module = provider.getClass().getModule();
        String moduleName = module.isNamed() ? module.getName() : "unnamed";
        String version = module.getDescriptor() != null
                ? module.getDescriptor().rawVersion().orElse("")
                : Optional.ofNullable(provider.getClass().getPackage()).map(Package::getImplementationVersion).orElse("");
        List<OptionSpec> options = switch (provider) {
            case SamplerProvider sp -> sp.options();
            case LogitsProcessorProvider lp -> lp.options();
            default -> List.of();
        };
        if (options.stream().map(OptionSpec::name).distinct().count() != options.size()) {
            throw new Dream4jException("'" + name + "' declares an option name twice: "
                    + options.stream().map(OptionSpec::name).toList());
        }
        return new PluginInfo(kind, name, priority, description, moduleName, version, origin, unavailable.isEmpty(),
                unavailable, provider.getClass().getName(), options);
    }

    /** Every provider of {@code kind}, highest priority first. */
    @SuppressWarnings("unchecked")
    public <T> List<Entry<T>> entries(PluginKind kind, Class<T> type) {
        if (!type.equals(service(kind))) {
            throw new IllegalArgumentException(type + " is not the service of " + kind);
        }
        return (List<Entry<T>>) (List<?>) entries.get(kind);
    }

    /** Every provider of {@code kind}, highest priority first. */
    public <T> List<T> providers(PluginKind kind, Class<T> type) {
        return entries(kind, type).stream().map(Entry::provider).toList();
    }

    /** Descriptors of every kind, for listing. */
    public List<PluginInfo> descriptors() {
        return entries.values().stream().flatMap(List::stream).map(Entry::descriptor).toList();
    }

    /** Load problems met during discovery (broken jars, version mismatches), for reporting. */
    public List<String> problems() {
        return problems;
    }

    /**
     * The provider called {@code name}, or when {@code name} is empty the available one with the highest priority.
     *
     * @throws PluginNotFoundException listing the names there are
     */
    public <T> T select(PluginKind kind, Class<T> type, Optional<String> name) {
        List<Entry<T>> list = entries(kind, type);
        if (name.isPresent()) {
            for (Entry<T> e : list) {
                if (e.descriptor().name().equals(name.get())) {
                    return e.provider(); // an explicit override, even of an unavailable one: its open says why it fails
                }
            }
            throw new PluginNotFoundException(kind.label(), name.get(), list.stream().map(e -> e.descriptor().name()).toList());
        }
        for (Entry<T> e : list) {
            if (e.descriptor().available()) {
                return e.provider();
            }
            LOG.debug("{} '{}' skipped: {}", kind.label(), e.descriptor().name(), e.descriptor().unavailableReason());
        }
        throw new PluginNotFoundException(kind.label(), null, list.stream()
                .map(e -> e.descriptor().name() + " (" + e.descriptor().unavailableReason() + ")").toList());
    }
}
