package com.example.dream4j.lefttoright;

import dev.dream4j.conformance.SamplerConformance;
import dev.dream4j.spi.sampling.SamplerProvider;

/**
 * The shared sampler conformance suite (rules S0-S12 in dream4j's {@code conformance-tests/RULES.md}). Every rule
 * method is inherited; this class only supplies the provider and declares the capabilities the sampler promises.
 */
class LeftToRightConformanceTest extends SamplerConformance {

    @Override
    protected SamplerProvider provider() {
        return new LeftToRightSamplerProvider();
    }

    /** Commits {@code min(Schedule.transferCount(..), masks)} per batch row and step: enables rule S2. */
    @Override
    protected boolean followsDreamSchedule() {
        return true;
    }

    // choosesPositionsAtRandom() stays false: positions are chosen by index, so S4 checks every greedy step.
    // greedyTakesArgmax() stays true: temperature 0 commits the argmax, lowest id on ties (S7).
    // options() stays empty: the rules run at margin 0 (the default); S11 also runs margin 0 and 1.
}
