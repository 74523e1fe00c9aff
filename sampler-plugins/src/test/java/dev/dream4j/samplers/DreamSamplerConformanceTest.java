package dev.dream4j.samplers;

import dev.dream4j.conformance.SamplerConformance;
import dev.dream4j.spi.sampling.SamplerProvider;
import org.junit.jupiter.api.Nested;

/** The shared sampler conformance suite, once per sampler of this module. */
class DreamSamplerConformanceTest {

    @Nested
    class Origin extends SamplerConformance {
        @Override
        protected SamplerProvider provider() {
            return new OriginSamplerProvider();
        }

        @Override
        protected boolean choosesPositionsAtRandom() {
            return true;
        }
    }

    @Nested
    class MaskGitPlus extends SamplerConformance {
        @Override
        protected SamplerProvider provider() {
            return new MaskGitPlusSamplerProvider();
        }

        @Override
        protected boolean followsDreamSchedule() {
            return true;
        }
    }

    @Nested
    class TopKMargin extends SamplerConformance {
        @Override
        protected SamplerProvider provider() {
            return new TopKMarginSamplerProvider();
        }

        @Override
        protected boolean followsDreamSchedule() {
            return true;
        }
    }

    @Nested
    class Entropy extends SamplerConformance {
        @Override
        protected SamplerProvider provider() {
            return new EntropySamplerProvider();
        }

        @Override
        protected boolean followsDreamSchedule() {
            return true;
        }
    }
}
