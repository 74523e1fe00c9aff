package dev.dream4j.kernel.plugin;

import dev.dream4j.api.OptionSpec;

import java.util.List;

/**
 * One discovered provider, as {@code dream4j plugins} lists it.
 *
 * @param kind        the service it provides
 * @param name        the name it is selected by
 * @param priority    higher wins when no name is given
 * @param description one line
 * @param module      the JPMS module name, or {@code unnamed} on the class path
 * @param version     the module or jar version, when known
 * @param origin      {@code built-in} or the plug-in directory / jar it came from
 * @param available   whether it can run on this machine (backends check their libraries cheaply)
 * @param unavailableReason why it cannot, empty when available
 * @param implementation the provider's class name
 * @param options     the options it declares (samplers, logits processors); empty for the other kinds
 */
public record PluginDescriptor(PluginKind kind, String name, int priority, String description, String module,
                               String version, String origin, boolean available, String unavailableReason,
                               String implementation, List<OptionSpec> options) {

    public PluginDescriptor {
        options = List.copyOf(options);
    }

    /** A descriptor of a plug-in without options. */
    public PluginDescriptor(PluginKind kind, String name, int priority, String description, String module,
                            String version, String origin, boolean available, String unavailableReason,
                            String implementation) {
        this(kind, name, priority, description, module, version, origin, available, unavailableReason, implementation,
                List.of());
    }
}
