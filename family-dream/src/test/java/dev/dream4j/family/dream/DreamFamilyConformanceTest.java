package dev.dream4j.family.dream;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.ModelFamilyConformance;
import dev.dream4j.spi.model.ModelFamily;

import java.util.List;

/** The model family suite for {@link DreamFamily} on the Dream layout. */
class DreamFamilyConformanceTest extends ModelFamilyConformance {

    @Override
    protected ModelFamily family() {
        return new DreamFamily();
    }

    @Override
    protected SyntheticCheckpoint layout() {
        return SyntheticCheckpoint.builder().layout(SyntheticCheckpoint.Layout.DREAM).build();
    }

    @Override
    protected List<String> requiredConfigKeys() {
        return List.of("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "vocab_size");
    }
}
