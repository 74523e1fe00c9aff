package dev.dream4j.cli;

import dev.dream4j.api.GenerationParameter;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.InvalidRequestException;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Sampling options shared by generate, eval and infill. Options without a description here take theirs, with type
 * and range, from {@link GenerationParameter#ALL} (the table the server validates against too, see
 * {@link ParameterHelp}), and are checked by it.
 */
final class SamplingOptions {
    @Option(names = "--sampler", paramLabel = "NAME")
    String sampler;

    @Option(names = "--temperature", paramLabel = "T")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K")
    Integer topK;

    @Option(names = "--alg-temp", paramLabel = "A")
    Double algTemp;

    @Option(names = "--seed", paramLabel = "N")
    Long seed;

    @Option(names = "--option", paramLabel = "KEY=VALUE",
            description = "A setting of the selected sampler or of a logits processor, as the plug-in declares it (see 'dream4j plugins'); repeatable. Checked against the declaration: an unknown name, a wrong type or a value out of range is an error naming the plug-in.")
    Map<String, String> options = new LinkedHashMap<>();

    /** Sets every sampling option given on the command line (not the seed: eval derives one per sample). */
    void applyTo(GenerationRequest.Builder b) {
        GenerationParameter.of("sampler").apply(b, sampler);
        GenerationParameter.of("temperature").apply(b, temperature);
        GenerationParameter.of("top_p").apply(b, topP);
        GenerationParameter.of("top_k").apply(b, topK);
        GenerationParameter.of("alg_temp").apply(b, algTemp);
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
