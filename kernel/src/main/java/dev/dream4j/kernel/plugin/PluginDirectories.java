package dev.dream4j.kernel.plugin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns plug-in directories into {@link PluginRegistry.Source}s. Each entry of a directory — a jar, or a
 * sub-directory holding a plug-in jar with its own dependencies — gets its own {@link ModuleLayer} (when dream4j
 * itself runs on the module path) or its own class loader (on the class path), so a plug-in's dependencies cannot
 * clash with ours or with another plug-in's. Jars without a {@code module-info} load as automatic modules and are
 * found through {@code META-INF/services}. An entry that cannot be loaded is reported with its path and skipped.
 */
public final class PluginDirectories {
    private static final Logger LOG = LoggerFactory.getLogger(PluginDirectories.class);

    private PluginDirectories() {
    }

    /** What could be loaded, and what could not (path and reason). */
    public record Loaded(List<PluginRegistry.Source> sources, List<String> problems) {
    }

    /** Sources for every entry of {@code directories}, in a deterministic order (directory order, then file name). */
    public static Loaded load(List<Path> directories) {
        List<PluginRegistry.Source> sources = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Path dir : directories) {
            if (!Files.isDirectory(dir)) {
                problems.add("plug-in directory " + dir + " does not exist or is not a directory");
                LOG.warn("plug-in directory {} does not exist or is not a directory", dir);
                continue;
            }
            List<Path> entries;
            try (Stream<Path> s = Files.list(dir)) {
                entries = s.filter(p -> Files.isDirectory(p) || p.toString().endsWith(".jar"))
                        .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list plug-in directory " + dir, e);
            }
            for (Path entry : entries) {
                try {
                    sources.add(PluginDirectories.class.getModule().isNamed() ? layer(entry) : classLoader(entry));
                } catch (FindException | ResolutionException | LayerInstantiationException | IllegalArgumentException
                         | SecurityException | IOException e) {
                    StringBuilder msg = new StringBuilder("plug-in " + entry + " cannot be loaded: " + e.getMessage());
                    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                        msg.append(": ").append(c.getMessage());
                    }
                    LOG.warn("{} (skipped)", msg);
                    problems.add(msg.toString());
                }
            }
        }
        return new Loaded(sources, problems);
    }

    /** The jars of an entry: itself, or every jar inside a plug-in sub-directory (an exploded module is itself). */
    private static Path[] jars(Path entry) throws IOException {
        if (Files.isRegularFile(entry) || Files.isRegularFile(entry.resolve("module-info.class"))) {
            return new Path[]{entry};
        }
        try (Stream<Path> s = Files.list(entry)) {
            return s.filter(p -> p.toString().endsWith(".jar") || Files.isRegularFile(p.resolve("module-info.class")))
                    .sorted().toArray(Path[]::new);
        }
    }

    private static PluginRegistry.Source layer(Path entry) throws IOException {
        ModuleFinder finder = ModuleFinder.of(jars(entry));
        Set<String> roots = finder.findAll().stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("no jar or module found");
        }
        ModuleLayer parent = PluginDirectories.class.getModule().getLayer();
        Configuration cf = parent.configuration().resolveAndBind(finder, ModuleFinder.of(), roots);
        ModuleLayer layer = parent.defineModulesWithOneLoader(cf, PluginDirectories.class.getClassLoader());
        return new PluginRegistry.Source(layer, null, entry.toString());
    }

    private static PluginRegistry.Source classLoader(Path entry) throws IOException {
        Path[] jars = jars(entry);
        if (jars.length == 0) {
            throw new IllegalArgumentException("no jar found");
        }
        List<URL> urls = new ArrayList<>();
        for (Path j : jars) {
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
