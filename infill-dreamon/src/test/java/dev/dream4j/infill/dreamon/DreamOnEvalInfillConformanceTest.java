package dev.dream4j.infill.dreamon;

import dev.dream4j.conformance.InfillConformance;
import dev.dream4j.spi.infill.InfillStrategyProvider;

/** The infill conformance rules for {@code DreamOnEval}. */
class DreamOnEvalInfillConformanceTest extends InfillConformance {
    @Override
    protected InfillStrategyProvider provider() {
        return new DreamOnEvalInfillProvider();
    }

    @Override
    protected boolean variableLength() {
        return true;
    }

    @Override
    protected boolean multipleTokensPerStep() {
        return false;
    }
}
