package dev.dream4j.cli;

import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.InfillRequest;
import dev.dream4j.api.InfillResult;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.Prompt;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "infill", description = {"Fill the hole between a prefix and a suffix (DreamOn expand/delete when the checkpoint supports it).",
        "--sampler names the sampler plug-in that chooses the slots each step commits, as for generate: one that ranks slots"
                + " (entropy, maskgit_plus, topk_margin); default: the strategy's (DreamOn: the checkpoint's when it can infill, else entropy)."})
final class InfillCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Part prefix;

    static final class Part {
        @Option(names = "--prefix", paramLabel = "TEXT") String text;
        @Option(names = "--prefix-file", paramLabel = "FILE") Path file;
        @Option(names = "--prefix-ids", paramLabel = "1,2,3") String ids;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    SuffixPart suffix;

    static final class SuffixPart {
        @Option(names = "--suffix", paramLabel = "TEXT") String text;
        @Option(names = "--suffix-file", paramLabel = "FILE") Path file;
        @Option(names = "--suffix-ids", paramLabel = "1,2,3") String ids;
    }

    @Mixin
    SamplingOptions sampling = new SamplingOptions();

    // the API's defaults, so the CLI, the server and Java callers fill the same hole when none is given
    @Option(names = "--initial-masks", defaultValue = "" + InfillRequest.DEFAULT_INITIAL_MASKS, paramLabel = "N", description = "Masks in the hole at the start (default: ${DEFAULT-VALUE}).") int initialMasks;
    @Option(names = "--max-new-tokens", paramLabel = "M", description = "Largest middle (default: max(initial masks, " + InfillRequest.DEFAULT_MAX_NEW_TOKENS + ")).") Integer maxNewTokens;
    @Option(names = "--strategy", paramLabel = "NAME", description = "Infill strategy plug-in (default: the first that supports the checkpoint).") String strategy;
    @Option(names = "--tokens-per-step", paramLabel = "N", description = "Slots committed per step (default: " + InfillRequest.DEFAULT_TOKENS_PER_STEP + ").") Integer tokensPerStep;
    @Option(names = "--expand-budget", paramLabel = "N", description = "Expansions allowed (default: the strategy's; dreamon: twice the generation window, dreamon-eval: max new tokens).") Integer expandBudget;
    @Option(names = "--pad-delete-to-right", description = "Every mask after a delete becomes a delete.") boolean padDeleteToRight;
    @Option(names = "--steps", paramLabel = "S", description = "Iteration limit of step-bounded strategies (dreamon-eval; default: max new tokens).") Integer steps;
    @Option(names = "--json", description = "Print middle, middle_ids, steps, expansions, deletions as JSON.") boolean json;

    @Override
    public Integer call() throws IOException {
        sampling.refuseOptions("infill");
        Prompt pre = prompt("prefix", prefix.text, prefix.file, prefix.ids);
        Prompt suf = prompt("suffix", suffix.text, suffix.file, suffix.ids);
        InfillRequest.Builder b = InfillRequest.builder(pre, suf).initialMasks(initialMasks)
                .strategy(strategy).sampler(sampling.sampler).padDeleteToRight(padDeleteToRight);
        if (maxNewTokens != null) b.maxNewTokens(maxNewTokens);
        if (sampling.temperature != null) b.temperature(sampling.temperature);
        if (sampling.topP != null) b.topP(sampling.topP);
        if (sampling.topK != null) b.topK(sampling.topK);
        if (sampling.algTemp != null) b.algTemp(sampling.algTemp);
        if (sampling.seed != null) b.seed(sampling.seed);
        if (tokensPerStep != null) b.tokensPerStep(tokensPerStep);
        if (expandBudget != null) b.expandBudget(expandBudget);
        if (steps != null) b.steps(steps);
        InfillRequest request = b.build();
        try (DiffusionLM lm = model.open()) {
            InfillResult r = lm.infill(request, DenoisingListener.NONE);
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("middle", r.middle());
                m.put("middle_ids", r.middleIds());
                m.put("steps", r.steps());
                m.put("expansions", r.expansions());
                m.put("deletions", r.deletions());
                spec.commandLine().getOut().println(Json.write(m));
            } else {
                spec.commandLine().getOut().println(r.middle());
            }
        }
        return 0;
    }

    private static Prompt prompt(String name, String text, Path file, String ids) throws IOException {
        if (text != null) {
            return Prompt.text(text);
        }
        if (file != null) {
            if (!Files.isRegularFile(file)) {
                throw new InvalidRequestException(name + "_file", "no such file: " + file);
            }
            return Prompt.text(Files.readString(file));
        }
        return Prompt.tokens(Ids.parse(name + "_ids", ids));
    }
}
