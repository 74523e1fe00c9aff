package dev.dream4j.cli;

import picocli.CommandLine.Option;

/** Sampling options shared by generate and infill. */
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
}
