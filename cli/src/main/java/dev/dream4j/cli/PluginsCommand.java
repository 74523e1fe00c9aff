package dev.dream4j.cli;

import dev.dream4j.Dream4j;
import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.OptionSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "plugins", description = "List every plug-in found: kind, name, priority, module, version, origin, and the options it declares (set with --option KEY=VALUE, the server's \"options\" object or GenerationRequest.Builder.option).")
final class PluginsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print a JSON array.")
    boolean json;

    @Option(names = "--plugins", paramLabel = "DIR", description = "Also list the plug-ins of this directory; repeatable.")
    java.util.List<java.nio.file.Path> pluginDirectories = new java.util.ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        // the registry hands each load problem to this reporter once, instead of also logging it
        List<PluginInfo> all = Dream4j.plugins(pluginDirectories, p -> err.println("warning: " + p));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(all.stream().map(d -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("kind", d.kind().label());
                m.put("name", d.name());
                m.put("priority", d.priority());
                m.put("available", d.available());
                if (!d.available()) {
                    m.put("unavailable_reason", d.unavailableReason());
                }
                m.put("module", d.module());
                m.put("version", d.version());
                m.put("origin", d.origin());
                m.put("class", d.implementation());
                m.put("description", d.description());
                m.put("options", d.options().stream().map(PluginsCommand::toJson).toList());
                return m;
            }).toList()));
        } else {
            int nameWidth = Math.max(4, all.stream().mapToInt(d -> d.name().length()).max().orElse(0));
            int moduleWidth = Math.max(6, all.stream().mapToInt(d -> d.module().length()).max().orElse(0));
            int versionWidth = Math.max(7, all.stream().mapToInt(d -> d.version().length()).max().orElse(0));
            String format = "%-17s %-" + nameWidth + "s %8s  %-9s %-" + moduleWidth + "s %-" + versionWidth + "s %s%n";
            out.printf(format, "KIND", "NAME", "PRIORITY", "AVAILABLE", "MODULE", "VERSION", "ORIGIN");
            for (PluginInfo d : all) {
                out.printf(format, d.kind().label(), d.name(), d.priority(), d.available() ? "yes" : "no", d.module(),
                        d.version().isEmpty() ? "-" : d.version(), d.origin());
                for (OptionSpec o : d.options()) {
                    out.printf("    --option %s=%s  %s, default %s%s%n", o.name(), o.type().id().toUpperCase(java.util.Locale.ROOT),
                            o.type().describe(), o.defaultValue(), o.description().isEmpty() ? "" : ": " + o.description());
                }
            }
        }
        for (PluginInfo d : all) {
            if (!d.available()) {
                err.println("note: " + d.kind().label() + " '" + d.name() + "' is unavailable: " + d.unavailableReason());
            }
        }
        out.flush();
        err.flush();
        return 0;
    }

    /** One declared option as {@code plugins --json} lists it: name, type, range or choices, default, description. */
    static Map<String, Object> toJson(OptionSpec o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", o.name());
        m.put("type", o.type().id());
        switch (o.type()) {
            case OptionSpec.IntegerType t -> {
                m.put("min", t.min());
                m.put("max", t.max());
            }
            case OptionSpec.NumberType t -> {
                m.put("min", t.min());
                m.put("max", t.max());
            }
            case OptionSpec.StringType t -> {
                if (!t.choices().isEmpty()) {
                    m.put("choices", t.choices());
                }
            }
            case OptionSpec.BooleanType t -> {
            }
        }
        m.put("default", o.defaultValue());
        m.put("description", o.description());
        return m;
    }
}
