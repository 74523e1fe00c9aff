package dev.dream4j.api;

import java.util.List;

/** No plug-in of the asked kind has the asked name (or none is available at all). */
public class PluginNotFoundException extends Dream4jException {
    private final String kind;
    private final String name;
    private final List<String> available;

    public PluginNotFoundException(String kind, String name, List<String> available) {
        super(name == null
                ? "no " + kind + " plug-in is available" + (available.isEmpty() ? "" : " (installed but unavailable: " + String.join(", ", available) + ")")
                : "unknown " + kind + " '" + name + "'; available: " + (available.isEmpty() ? "none" : String.join(", ", available)));
        this.kind = kind;
        this.name = name;
        this.available = List.copyOf(available);
    }

    public String kind() {
        return kind;
    }

    public String name() {
        return name;
    }

    public List<String> available() {
        return available;
    }
}
