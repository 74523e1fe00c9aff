package dev.dream4j.spi.sampling;

import dev.dream4j.spi.Plugin;

/** Makes samplers; selected by {@link #name()} ({@code --sampler NAME}). */
public interface SamplerProvider extends Plugin {

    /** A sampler for one request. */
    Sampler create(SamplingParams params);
}
