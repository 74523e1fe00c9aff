package dev.dream4j.cli;

import dev.dream4j.api.GenerationParameter;
import dev.dream4j.api.GenerationRequest;
import picocli.CommandLine.Option;

/**
 * Block decoding, Fast-dLLM and guidance options shared by generate and eval (one table, one application). Their
 * descriptions, types and ranges come from {@link GenerationParameter#ALL}, the table the server validates against.
 */
final class DecodingOptions {
    @Option(names = "--block-length", paramLabel = "B")
    Integer blockLength;

    @Option(names = "--cache", paramLabel = "none|prefix|dual")
    String cache;

    @Option(names = "--threshold", paramLabel = "TAU")
    Double threshold;

    @Option(names = "--factor", paramLabel = "F")
    Double factor;

    @Option(names = "--early-stop", negatable = true)
    Boolean earlyStop;

    @Option(names = "--cfg-scale", paramLabel = "S")
    Double cfgScale;

    /** Sets every option given on the command line. */
    void applyTo(GenerationRequest.Builder b) {
        GenerationParameter.of("block_length").apply(b, blockLength);
        GenerationParameter.of("cache").apply(b, cache);
        GenerationParameter.of("threshold").apply(b, threshold);
        GenerationParameter.of("factor").apply(b, factor);
        GenerationParameter.of("early_stop").apply(b, earlyStop);
        GenerationParameter.of("cfg_scale").apply(b, cfgScale);
    }
}
