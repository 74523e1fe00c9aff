package dev.dream4j.cli;

import dev.dream4j.api.GenerationParameter;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.util.List;

/**
 * Gives every option that sets a built-in request field ({@code --top-p} for {@code top_p}) the description, type and
 * range of {@link GenerationParameter#ALL}, the table the server validates JSON against, so help text, CLI checks and
 * server messages cannot drift apart. Options that carry a description of their own keep it.
 */
final class ParameterHelp {
    private ParameterHelp() {
    }

    static void describe(CommandLine commandLine) {
        commandLine.getSubcommands().values().forEach(ParameterHelp::describe);
        CommandSpec spec = commandLine.getCommandSpec();
        for (OptionSpec option : List.copyOf(spec.options())) {
            if (option.description().length > 0) {
                continue;
            }
            GenerationParameter.named(option.longestName()).ifPresent(p -> {
                // picocli's option model is immutable: replace the option by a copy with the table's description
                spec.remove(option);
                spec.addOption(option.toBuilder().description(p.help()).build());
            });
        }
    }
}
