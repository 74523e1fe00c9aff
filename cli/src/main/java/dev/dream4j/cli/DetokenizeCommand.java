package dev.dream4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "detokenize", description = "Print the text of token ids.")
final class DetokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|demo")
    String model;

    @Option(names = "--ids", required = true, paramLabel = "1,2,3")
    String ids;

    @Option(names = "--skip-special-tokens", description = "Leave special tokens out.")
    boolean skipSpecial;

    @Option(names = "--json", description = "Print {\"text\": ...}.")
    boolean json;

    @Override
    public Integer call() {
        String text = TokenizeCommand.loadTokenizer(model).decode(java.util.Arrays.stream(Ids.parseArray("ids", ids)).boxed().toList(), skipSpecial);
        if (json) {
            spec.commandLine().getOut().println(Json.write(Map.of("text", text)));
        } else {
            spec.commandLine().getOut().println(text);
        }
        return 0;
    }
}
