package dev.dream4j.conformance;

import dev.dream4j.api.OptionSpec;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.StepDecision;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rule S11 itself: it passes a sampler whose options are usable and catches one that breaks at a range end. */
class OptionRuleTest {

    private static SamplerConformance suite(SamplerProvider provider) {
        return new SamplerConformance() {
            @Override
            protected SamplerProvider provider() {
                return provider;
            }
        };
    }

    @Test
    void theProbesOptionsAreUsableAndReachTheSampler() {
        suite(new OptionProbeSamplerProvider()).rule_S11_declaredOptionsAreUsable();
        SamplerProvider probe = new OptionProbeSamplerProvider();
        SamplingParams params = SamplerHarness.withOptions(probe, SamplerHarness.params(0, 0, 2), Map.of("token", "5", "shift", true));
        assertEquals(Map.of("token", 5L, "shift", true, "ratio", 0.5, "mode", "plain"), params.options());
        SamplerHarness h = new SamplerHarness(24, 8, 2);
        SamplerHarness.Run run = h.run(probe.create(params), params, SamplerHarness.gaussian(1, 1f), SamplerHarness.seeded(1));
        for (int j = 2; j < 8; j++) {
            assertEquals(6, run.canvas()[j], "token 5 + shift at slot " + j);
        }
    }

    @Test
    void aSamplerThatStallsAtTheEndOfItsRangeFailsS11() {
        SamplerProvider stalls = new SamplerProvider() {
            @Override
            public String name() {
                return "stalls";
            }

            @Override
            public List<OptionSpec> options() {
                return List.of(OptionSpec.number("patience", 0, 1, 0, "at 1 the sampler never commits"));
            }

            @Override
            public Sampler create(SamplingParams params) {
                Sampler inner = new OptionProbeSamplerProvider().create(SamplerHarness.withOptions(new OptionProbeSamplerProvider(), params, Map.of()));
                return params.doubleOption("patience") >= 1 ? (c, l, r) -> StepDecision.none() : inner;
            }
        };
        AssertionError e = assertThrows(AssertionError.class, () -> suite(stalls).rule_S11_declaredOptionsAreUsable());
        assertTrue(e.getMessage().contains("[S11] with patience = 1.0 a full run left masks"), e.getMessage());
    }
}
