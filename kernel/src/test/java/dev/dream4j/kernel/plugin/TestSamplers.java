package dev.dream4j.kernel.plugin;

import dev.dream4j.api.OptionSpec;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.StepDecision;

import java.util.List;

/** A sampler provider registered in this module's test META-INF/services: the registry lists its declared options. */
final class TestSamplers {
    private TestSamplers() {
    }

    /** Declares one option: listed in its descriptor. */
    public static final class WithOptions implements SamplerProvider {
        static final OptionSpec MARGIN = OptionSpec.number("margin", 0, 1, 0.5, "a margin");

        @Override
        public String name() {
            return "with-options";
        }

        @Override
        public List<OptionSpec> options() {
            return List.of(MARGIN);
        }

        @Override
        public Sampler create(SamplingParams params) {
            return (context, logits, random) -> StepDecision.none();
        }
    }
}
