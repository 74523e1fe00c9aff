package dev.dream4j.infill.dreamon;

import dev.dream4j.conformance.InfillConformance;
import dev.dream4j.spi.infill.InfillStrategyProvider;

/** The infill conformance rules for {@code Fixed}. */
class FixedInfillConformanceTest extends InfillConformance {
    @Override
    protected InfillStrategyProvider provider() {
        return new FixedInfillProvider();
    }
}
