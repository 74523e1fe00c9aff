package dev.dream4j.api;

import java.util.List;
import java.util.Objects;

/**
 * One discovered plug-in, as {@code dream4j plugins} lists it.
 *
 * @param kind              the service it provides
 * @param name              the name it is selected by
 * @param priority          higher wins when no name is given
 * @param description       one line
 * @param module            the JPMS module name, or {@code unnamed} on the class path
 * @param version           the module or jar version, empty when unknown
 * @param origin            {@code built-in} or the plug-in directory / jar it came from
 * @param available         whether it can run on this machine (backends check their libraries cheaply)
 * @param unavailableReason why it cannot, empty when available
 * @param implementation    the provider's class name
 * @param options           the options it declares (samplers, logits processors); empty for the other kinds
 */
public record PluginInfo(PluginKind kind, String name, int priority, String description, String module,
                         String version, String origin, boolean available, String unavailableReason,
                         String implementation, List<OptionSpec> options) {
    public PluginInfo {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        description = Objects.requireNonNullElse(description, "");
        module = Objects.requireNonNullElse(module, "unnamed");
        version = Objects.requireNonNullElse(version, "");
        origin = Objects.requireNonNullElse(origin, "built-in");
        unavailableReason = Objects.requireNonNullElse(unavailableReason, "");
        implementation = Objects.requireNonNullElse(implementation, "");
        options = List.copyOf(options);
    }

    /** A plug-in that declares no options. */
    public PluginInfo(PluginKind kind, String name, int priority, String description, String module, String version,
                      String origin, boolean available, String unavailableReason, String implementation) {
        this(kind, name, priority, description, module, version, origin, available, unavailableReason, implementation,
                List.of());
    }
}
