package dev.dream4j.cli;

import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.GenerationParameter;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "generate", description = "Generate text by denoising a canvas of masks after a prompt.")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @ArgGroup(exclusive = true, multiplicity = "1")
    PromptSource source;

    static final class PromptSource {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "Plain-text prompt (no template).")
        String prompt;
        @Option(names = "--chat", paramLabel = "TEXT", description = "A user message, rendered with the checkpoint's chat template.")
        String chat;
        @Option(names = "--prompt-ids", paramLabel = "1,2,3", description = "Exact prompt token ids.")
        String promptIds;
    }

    @Mixin
    SamplingOptions sampling = new SamplingOptions();

    @Option(names = "--max-new-tokens", paramLabel = "N")
    Integer maxNewTokens;

    @Option(names = "--steps", paramLabel = "S")
    Integer steps;

    @Option(names = "--eps", paramLabel = "E")
    Double eps;

    @Option(names = "--pad-penalty", paramLabel = "X")
    Double padPenalty;

    @Option(names = "--num-return-sequences", paramLabel = "N", defaultValue = "1")
    int numReturnSequences;

    @Mixin
    DecodingOptions decoding = new DecodingOptions();

    @Option(names = "--json", description = "Print one JSON object on stdout.")
    boolean json;

    @Option(names = "--progress", negatable = true, description = "Progress bar on stderr (default: on a terminal).")
    Boolean progress;

    @Override
    public Integer call() {
        GenerationRequest.Builder b = GenerationRequest.builder();
        if (source.prompt != null) {
            b.prompt(source.prompt);
        } else if (source.chat != null) {
            b.chat(List.of(ChatMessage.user(source.chat)));
        } else {
            b.promptIds(Ids.parse("prompt_ids", source.promptIds));
        }
        GenerationParameter.of("max_new_tokens").apply(b, maxNewTokens);
        GenerationParameter.of("steps").apply(b, steps);
        sampling.applyTo(b);
        GenerationParameter.of("seed").apply(b, sampling.seed);
        GenerationParameter.of("eps").apply(b, eps);
        GenerationParameter.of("pad_penalty").apply(b, padPenalty);
        decoding.applyTo(b);
        GenerationParameter.of("num_return_sequences").apply(b, numReturnSequences);
        OptionLimits.check("--num-return-sequences", numReturnSequences, 1, OptionLimits.MAX_RETURN_SEQUENCES);
        GenerationRequest request = b.build();

        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (DiffusionLM lm = model.open()) {
            boolean showProgress = progress != null ? progress : ProgressBar.interactive();
            ProgressBar bar = showProgress ? new ProgressBar(err) : null;
            GenerationResult result;
            try {
                result = lm.generate(request, bar == null ? DenoisingListener.NONE : bar);
            } finally {
                if (bar != null) {
                    bar.finish();
                }
            }
            if (json) {
                out.println(Json.write(toJson(result)));
            } else {
                for (int i = 0; i < result.sequences().size(); i++) {
                    if (result.sequences().size() > 1) {
                        out.println("--- sequence " + i + " ---");
                    }
                    out.println(result.sequences().get(i).text());
                }
            }
            out.flush();
        }
        return 0;
    }

    static Map<String, Object> toJson(GenerationResult result) {
        Map<String, Object> m = new LinkedHashMap<>();
        GenerationResult.GeneratedSequence first = result.first();
        m.put("text", first.text());
        m.put("prompt_ids", first.promptIds());
        m.put("generated_ids", first.generatedIds());
        m.put("steps", result.steps());
        m.put("sampler", result.sampler());
        m.put("seed", result.seed());
        m.put("elapsed_ms", result.elapsedNanos() / 1_000_000.0);
        m.put("sequences", result.sequences().stream().map(s -> {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("prompt_index", s.promptIndex());
            e.put("text", s.text());
            e.put("prompt_ids", s.promptIds());
            e.put("generated_ids", s.generatedIds());
            return e;
        }).toList());
        return m;
    }
}
