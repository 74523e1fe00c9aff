package dev.dream4j.kernel.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.LayerInstantiationException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ResolutionException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns plug-in directories into {@link PluginRegistry.Source}s. Each entry of a directory — a jar, or a
 * sub-directory holding a plug-in jar with its own dependencies — gets its own {@link ModuleLayer} (when dream4j
 * itself runs on the module path) or its own class loader (on the class path), so a plug-in's dependencies cannot
 * clash with ours or with another plug-in's. Jars without a {@code module-info} load as automatic modules and are
 * found through {@code META-INF/services}. An entry that cannot be loaded is reported with its path and skipped.
 *
 * <p>Copies of dream4j's own SDK jars (api, spi, tokenizer-spi, kernel, checkpoint-io), as a plug-in built with the
 * SDK in compile scope bundles them, are left out: in a plug-in's layer a second {@code dev.dream4j.spi} would give
 * the plug-in its own copy of every service interface, and its providers would silently not be found. One problem per
 * directory names them.
 */
public final class PluginDirectories {
    /** The modules of dream4j that plug-ins link against and that the application already holds. */
    static final Set<String> SDK_MODULES = Set.of("dev.dream4j.api", "dev.dream4j.spi", "dev.dream4j.tokenizer",
            "dev.dream4j.kernel", "dev.dream4j.checkpoint");
    /** Their artifact ids, for jars named after the artifact (automatic module names drop the group). */
    static final Set<String> SDK_ARTIFACTS = Set.of("dream4j-api", "dream4j-spi", "dream4j-tokenizer-spi",
            "dream4j-kernel", "dream4j-checkpoint-io");

    private PluginDirectories() {
    }

    /** What could be loaded, and what could not (path and reason). */
    public record Loaded(List<PluginRegistry.Source> sources, List<String> problems) {
    }

    /**
     * Sources for every entry of {@code directories}, in a deterministic order (directory order, then file name).
     * Problems are returned, not logged: the registry reports every problem of a discovery once.
     */
    public static Loaded load(List<Path> directories) {
        Module own = PluginDirectories.class.getModule();
        return load(directories, own.isNamed() ? own.getLayer() : null);
    }

    /** As {@link #load(List)}, with layers whose parent is {@code parent}, or class loaders when it is null. */
    static Loaded load(List<Path> directories, ModuleLayer parent) {
        List<PluginRegistry.Source> sources = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                problems.add("plug-in directory " + dir + " does not exist or is not a directory");
                continue;
            }
            List<Path> entries;
            try (Stream<Path> s = Files.list(dir)) {
                entries = s.filter(p -> Files.isDirectory(p) || p.toString().endsWith(".jar"))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list plug-in directory " + dir, e);
            }
            List<Path> sdk = new ArrayList<>();
            for (Path entry : entries) {
                try {
                    int sdkBefore = sdk.size();
                    Path[] jars = jars(entry, sdk);
                    if (jars.length == 0 && sdk.size() > sdkBefore) {
                        continue; // the entry was nothing but SDK jars
                    }
                    sources.add(parent != null ? layer(entry, jars, parent) : classLoader(entry, jars));
                } catch (FindException | ResolutionException | LayerInstantiationException | IllegalArgumentException
                         | SecurityException | IOException e) {
                    StringBuilder msg = new StringBuilder("plug-in " + entry + " cannot be loaded: " + e.getMessage());
                    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                        msg.append(": ").append(c.getMessage());
                    }
                    problems.add(msg + " (skipped)");
                }
            }
            if (!sdk.isEmpty()) {
                problems.add("plug-in directory " + dir + " holds copies of dream4j's own SDK jars, ignored (dream4j provides"
                        + " them; build plug-ins with the SDK in 'provided' scope): "
                        + sdk.stream().map(p -> dir.relativize(p).toString()).collect(Collectors.joining(", ")));
            }
        }
        return new Loaded(sources, problems);
    }

    /**
     * The jars of an entry: itself, or every jar inside a plug-in sub-directory (an exploded module is itself); SDK
     * jars are left out and added to {@code sdk}.
     */
    private static Path[] jars(Path entry, List<Path> sdk) throws IOException {
        Path[] all;
        if (Files.isRegularFile(entry) || Files.isRegularFile(entry.resolve("module-info.class"))) {
            all = new Path[]{entry};
        } else {
            try (Stream<Path> s = Files.list(entry)) {
                all = s.filter(p -> p.toString().endsWith(".jar") || Files.isRegularFile(p.resolve("module-info.class")))
                        .sorted().toArray(Path[]::new);
            }
        }
        List<Path> kept = new ArrayList<>();
        for (Path jar : all) {
            if (isSdk(jar)) {
                sdk.add(jar);
            } else {
                kept.add(jar);
            }
        }
        return kept.toArray(Path[]::new);
    }

    /** Whether {@code jar} is one of dream4j's SDK jars, by module name (declared or automatic) or artifact file name. */
    static boolean isSdk(Path jar) {
        String file = jar.getFileName().toString();
        for (String artifact : SDK_ARTIFACTS) {
            // dream4j-spi.jar, dream4j-spi-0.1.0.jar; not dream4j-spi-extras.jar
            if (file.equals(artifact + ".jar") || file.startsWith(artifact + "-") && file.length() > artifact.length() + 1
                    && Character.isDigit(file.charAt(artifact.length() + 1))) {
                return true;
            }
        }
        try {
            Optional<String> module = ModuleFinder.of(jar).findAll().stream().findFirst()
                    .map(r -> r.descriptor().name());
            return module.isPresent() && SDK_MODULES.contains(module.get());
        } catch (FindException | SecurityException e) {
            return false; // not readable as a module: the loading step reports it with its reason
        }
    }

    private static PluginRegistry.Source layer(Path entry, Path[] jars, ModuleLayer parent) {
        ModuleFinder finder = ModuleFinder.of(jars);
        Set<String> roots = finder.findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no jar or module found");
        }
        Configuration cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        ModuleLayer layer = parent.defineModulesWithOneLoader(cf, PluginDirectories.class.getClassLoader());
        return new PluginRegistry.Source(layer, null, entry.toString());
    }

    private static PluginRegistry.Source classLoader(Path entry, Path[] jars) throws IOException {
        if (jars.length == 0) {
            throw new IllegalArgumentException("no jar found");
        }
        List<URL> urls = new ArrayList<>();
        for (Path j : jars) {
            if (Files.isRegularFile(j)) {
                // a class loader skips an unreadable jar silently; the module path refuses it, so do we
                try (JarFile ignored = new JarFile(j.toFile())) {
                    // readable
                }
            }
            try {
                urls.add(j.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException(e);
            }
        }
        URLClassLoader loader = new URLClassLoader("dream4j-plugin:" + entry.getFileName(), urls.toArray(URL[]::new),
                PluginDirectories.class.getClassLoader());
        return new PluginRegistry.Source(null, loader, entry.toString());
    }
}
