package dev.dream4j.cli;

import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.InvalidRequestException;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** Sampling options shared by generate, eval and infill. */
final class SamplingOptions {
    @Option(names = "--sampler", paramLabel = "NAME", description = "Dream: origin, maskgit_plus, topk_margin, entropy; LLaDA: low_confidence, random; or a plug-in's name (default: the family's, e.g. Dream's checkpoint alg or 'origin', LLaDA's 'low_confidence').")
    String sampler;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default: the checkpoint's, else 0).")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus filter in (0, 1].")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K", description = "Top-k filter; 0 = none. Default: the checkpoint's, else the family's: Dream applies transformers' legacy top_k 50 as its reference does when called without a generation config (even at temperature 0); LLaDA none.")
    Integer topK;

    @Option(names = "--alg-temp", paramLabel = "A", description = "Positions drawn from softmax(confidence / A) when > 0.")
    Double algTemp;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random stream (default: random, reported with --json).")
    Long seed;

    @Option(names = "--option", paramLabel = "KEY=VALUE",
            description = "A setting of the selected sampler or of a logits processor, as the plug-in declares it (see 'dream4j plugins'); repeatable. Checked against the declaration: an unknown name, a wrong type or a value out of range is an error naming the plug-in.")
    Map<String, String> options = new LinkedHashMap<>();

    /** Sets every sampling option given on the command line (not the seed: eval derives one per sample). */
    void applyTo(GenerationRequest.Builder b) {
        if (sampler != null) b.sampler(sampler);
        if (temperature != null) b.temperature(temperature);
        if (topP != null) b.topP(topP);
        if (topK != null) b.topK(topK);
        if (algTemp != null) b.algTemp(algTemp);
        b.options(options);
    }

    /** For commands whose requests carry no plug-in options yet: refuses {@code --option} rather than ignoring it. */
    void refuseOptions(String command) {
        if (!options.isEmpty()) {
            String name = options.keySet().iterator().next();
            throw new InvalidRequestException("options." + name, command + " takes no plug-in options (--option " + name
                    + "); they reach the samplers and logits processors of generate and eval");
        }
    }
}
