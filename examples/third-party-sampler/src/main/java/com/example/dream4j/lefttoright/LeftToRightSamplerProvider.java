package com.example.dream4j.lefttoright;

import dev.dream4j.api.OptionSpec;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;

import java.util.List;

/**
 * {@code left-to-right}: fills the canvas in reading order, like an autoregressive model would, but still several slots
 * per step on Dream's schedule. Selected with {@code --sampler left-to-right}.
 *
 * <p>The provider follows the plug-in contract: it is cheap to construct (no native code, no files, no threads), since
 * dream4j constructs every provider it discovers just to list it. {@link #spiVersion()} is inherited: it returns the
 * {@code SpiVersion.MAJOR} this class was compiled against, which is what the registry checks.
 */
public final class LeftToRightSamplerProvider implements SamplerProvider {
    /** Its one option: how sure a slot must be to be committed before the slots to its right wait. */
    static final OptionSpec MARGIN = OptionSpec.number("margin", 0, 1, 0,
            "commit a row's next slot only while its top-1 minus top-2 probability is at least this (0 = always)");

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

    /** Declared, so {@code --option margin=0.3}, the server's {@code "options"} and the API can set it. */
    @Override
    public List<OptionSpec> options() {
        return List.of(MARGIN);
    }

    @Override
    public Sampler create(SamplingParams params) {
        return new LeftToRightSampler(params.doubleOption(MARGIN.name()));
    }
}
