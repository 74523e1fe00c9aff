package dev.dream4j.cli;

import dev.dream4j.tokenizer.Tokenizer;
import dev.dream4j.tokenizer.TokenizerProvider;
import dev.dream4j.kernel.plugin.PluginKind;
import dev.dream4j.kernel.plugin.PluginRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.Arrays;
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
        int[] ids = loadTokenizer(model).encode(text, addSpecial);
        if (json) {
            spec.commandLine().getOut().println(Json.write(Map.of("ids", Arrays.stream(ids).boxed().toList())));
        } else {
            spec.commandLine().getOut().println(String.join(",", Arrays.stream(ids).mapToObj(String::valueOf).toList()));
        }
        return 0;
    }

    /** Only the tokenizer: no weights are mapped and no backend starts. */
    static Tokenizer loadTokenizer(String model) {
        Path dir = dev.dream4j.demo.DemoModel.NAME.equals(model) ? dev.dream4j.demo.DemoModel.directory() : Path.of(model);
        PluginRegistry registry = PluginRegistry.discover();
        return registry.providers(PluginKind.TOKENIZER, TokenizerProvider.class).stream()
                .filter(t -> t.supports(dir)).findFirst()
                .orElseThrow(() -> new dev.dream4j.api.CheckpointException(dir.resolve("tokenizer.json"), null,
                        "no tokenizer plug-in reads this directory"))
                .load(dir);
    }

}
