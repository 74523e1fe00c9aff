package com.example.dream4j.lefttoright;

import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;

/**
 * {@code left-to-right}: fills the canvas in reading order, like an autoregressive model would, but still several slots
 * per step on Dream's schedule. Selected with {@code --sampler left-to-right}.
 *
 * <p>The provider follows the plug-in contract: it is cheap to construct (no native code, no files, no threads), since
 * dream4j constructs every provider it discovers just to list it. {@link #spiVersion()} is inherited: it returns the
 * {@code SpiVersion.MAJOR} this class was compiled against, which is what the registry checks.
 */
public final class LeftToRightSamplerProvider implements SamplerProvider {

    /** Public no-argument constructor: {@link java.util.ServiceLoader} needs it. */
    public LeftToRightSamplerProvider() {
    }

    @Override
    public String name() {
        return "left-to-right";
    }

    @Override
    public String description() {
        return "commits the leftmost masked slots first, Dream's schedule count per step (example plug-in)";
    }

    @Override
    public Sampler create(SamplingParams params) {
        return new LeftToRightSampler();
    }
}
