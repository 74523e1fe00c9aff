package dev.dream4j.cli;

import dev.dream4j.Dream4j;
import dev.dream4j.api.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "tokenize", description = "Print the token ids of a text (no special tokens added).")
final class TokenizeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR|demo", description = "Checkpoint directory or 'demo'.")
    String model;

    @Option(names = "--text", required = true, paramLabel = "TEXT")
    String text;

    @Option(names = "--add-special-tokens", description = "Add what tokenizer_config.json asks for (for example bos).")
    boolean addSpecial;

    @Option(names = "--json", description = "Print {\"ids\": [...]}.")
    boolean json;

    @Override
    public Integer call() {
        List<Integer> ids = loadTokenizer(model).encode(text, addSpecial);
        if (json) {
            spec.commandLine().getOut().println(Json.write(Map.of("ids", ids)));
        } else {
            spec.commandLine().getOut().println(String.join(",", ids.stream().map(String::valueOf).toList()));
        }
        return 0;
    }

    /** Only the tokenizer: no weights are mapped and no backend starts. */
    static TextTokenizer loadTokenizer(String model) {
        Path dir = dev.dream4j.demo.DemoModel.NAME.equals(model) ? dev.dream4j.demo.DemoModel.directory() : Path.of(model);
        return Dream4j.builder().model(dir).buildTokenizer();
    }

}
