package dev.dream4j.cli;

import picocli.CommandLine.Option;

/** Sampling options shared by generate and infill. */
final class SamplingOptions {
    @Option(names = "--sampler", paramLabel = "NAME", description = "origin, maskgit_plus, topk_margin, entropy, or a plug-in's name (default: the checkpoint's alg).")
    String sampler;

    @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default: the checkpoint's, else 0).")
    Double temperature;

    @Option(names = "--top-p", paramLabel = "P", description = "Nucleus filter in (0, 1].")
    Double topP;

    @Option(names = "--top-k", paramLabel = "K", description = "Top-k filter.")
    Integer topK;

    @Option(names = "--alg-temp", paramLabel = "A", description = "Positions drawn from softmax(confidence / A) when > 0.")
    Double algTemp;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random stream (default: random, reported with --json).")
    Long seed;
}
