package dev.dream4j.cli;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.GenerationRequest;
import picocli.CommandLine.Option;

/** Block decoding, Fast-dLLM and guidance options shared by generate and eval (one table, one application). */
final class DecodingOptions {
    @Option(names = "--block-length", paramLabel = "B", description = "Semi-autoregressive block decoding (Fast-dLLM, LLaDA's block_length) in blocks of B slots (default: 32 for the fast-dllm-* samplers, else no blocks).")
    Integer blockLength;

    @Option(names = "--cache", paramLabel = "none|prefix|dual", description = "Approximate key/value cache of block decoding, refreshed per block (default none; turns block decoding on). Falls back to none, with a warning, on a backend without a cache.")
    String cache;

    @Option(names = "--threshold", paramLabel = "TAU", description = "Confidence threshold of --sampler fast-dllm-threshold, in (0, 1] (default 0.9).")
    Double threshold;

    @Option(names = "--factor", paramLabel = "F", description = "Factor of --sampler fast-dllm-factor, > 0 (default 1).")
    Double factor;

    @Option(names = "--early-stop", negatable = true, description = "Block decoding: once a decoded block holds end-of-text, fill the rest with end-of-text and stop (default: on for fast-dllm-* samplers).")
    Boolean earlyStop;

    @Option(names = "--cfg-scale", paramLabel = "S", description = "Classifier-free guidance (LLaDA's cfg_scale): each step also runs the canvas with the prompt masked; logits = u + (S + 1)(c - u). 0 = off (default).")
    Double cfgScale;

    /** Sets every option given on the command line. */
    void applyTo(GenerationRequest.Builder b) {
        if (blockLength != null) b.blockLength(blockLength);
        if (cache != null) b.cache(CacheMode.parse(cache));
        if (threshold != null) b.threshold(threshold);
        if (factor != null) b.factor(factor);
        if (earlyStop != null) b.earlyStop(earlyStop);
        if (cfgScale != null) b.cfgScale(cfgScale);
    }
}
