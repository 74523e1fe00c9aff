package dev.dream4j.family.llada;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.ModelFamilyConformance;
import dev.dream4j.spi.model.ModelFamily;

import java.util.List;

/** The model family suite for {@link LladaFamily} on LLaDA's published layout. */
class LladaFamilyConformanceTest extends ModelFamilyConformance {

    @Override
    protected ModelFamily family() {
        return new LladaFamily();
    }

    @Override
    protected SyntheticCheckpoint layout() {
        return SyntheticCheckpoint.builder().layout(SyntheticCheckpoint.Layout.LLADA).ropeTheta(500000).rmsNormEps(1e-5).build();
    }

    @Override
    protected List<String> requiredConfigKeys() {
        return List.of("d_model", "n_heads", "n_layers", "vocab_size");
    }
}
