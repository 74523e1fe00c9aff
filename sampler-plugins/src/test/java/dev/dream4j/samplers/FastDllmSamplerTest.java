package dev.dream4j.samplers;

import dev.dream4j.conformance.SamplerHarness;
import dev.dream4j.spi.sampling.BlockDecoding;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastDllmSamplerTest {
    private static final StepInfo INFO = new StepInfo(0, 1, 1f, 0.001f);

    private static StepDecision run(String rule, double tau, double f, MaskedLogits l, int batch) {
        var provider = rule.equals("threshold") ? new FastDllmThresholdSamplerProvider() : new FastDllmFactorSamplerProvider();
        var sampler = provider.create(Fixtures.params(0, 0), new BlockDecoding(32, tau, f));
        MaskedLogits greedy = Fixtures.tempered(l, Fixtures.params(0, 0));
        return sampler.step(Fixtures.context(INFO, batch, 16, greedy), greedy, SamplerHarness.forbidden());
    }

    @Test
    void thresholdCommitsTopOneAndEveryConfidentSlot() {
        // confidences (argmax probabilities): 0.5, 0.95, 0.91, 0.6 at positions 3..6
        MaskedLogits l = Fixtures.rows(new int[]{3, 4, 5, 6},
                Fixtures.logitsOf(0.5, 0.3, 0.2), Fixtures.logitsOf(0.02, 0.95, 0.03),
                Fixtures.logitsOf(0.04, 0.05, 0.91), Fixtures.logitsOf(0.6, 0.2, 0.2));
        StepDecision d = run("threshold", 0.9, 1, l, 1);
        assertArrayEquals(new int[]{1, 2}, d.rows());
        assertArrayEquals(new int[]{1, 2}, d.tokens());
        // nothing passes: the top one still commits (progress)
        StepDecision high = run("threshold", 0.99, 1, l, 1);
        assertArrayEquals(new int[]{1}, high.rows());
    }

    @Test
    void thresholdWorksPerBatchRow() {
        MaskedLogits l = Fixtures.rows(new int[]{0, 0, 1, 1}, new int[]{5, 6, 5, 6},
                Fixtures.logitsOf(0.5, 0.3, 0.2), Fixtures.logitsOf(0.4, 0.3, 0.3),
                Fixtures.logitsOf(0.97, 0.02, 0.01), Fixtures.logitsOf(0.01, 0.98, 0.01));
        StepDecision d = run("threshold", 0.9, 1, l, 2);
        assertArrayEquals(new int[]{0, 2, 3}, d.rows());
        assertArrayEquals(new int[]{0, 0, 1}, d.tokens());
    }

    @Test
    void factorRuleCommitsWhileTheNthConfidencePasses() {
        // sorted confidences 0.99, 0.9, 0.8, 0.7, 0.3; f = 1: thr(2) = 2/3, thr(3) = 0.75, thr(4) = 0.8 -> first fail n = 4
        MaskedLogits l = Fixtures.rows(new int[]{1, 2, 3, 4, 5},
                Fixtures.logitsOf(0.7, 0.2, 0.1), Fixtures.logitsOf(0.3, 0.35, 0.35),
                Fixtures.logitsOf(0.005, 0.99, 0.005), Fixtures.logitsOf(0.05, 0.05, 0.9),
                Fixtures.logitsOf(0.8, 0.1, 0.1));
        StepDecision d = run("factor", 0.9, 1.0, l, 1);
        assertArrayEquals(new int[]{2, 3, 4}, d.rows());
        // a tiny f demands near-certainty from the second on: only the top one
        StepDecision strict = run("factor", 0.9, 0.01, l, 1);
        assertArrayEquals(new int[]{2}, strict.rows());
    }

    @Test
    void factorQuirkCommitsAllWhenOnlyTheLastFails() {
        // sorted 0.99, 0.95, 0.5: thr(2) = 2/3 passes, thr(3) = 0.75 fails at n = M -> all three
        MaskedLogits l = Fixtures.rows(new int[]{1, 2, 3},
                Fixtures.logitsOf(0.99, 0.005, 0.005), Fixtures.logitsOf(0.025, 0.95, 0.025),
                Fixtures.logitsOf(0.5, 0.25, 0.25));
        assertEquals(3, run("factor", 0.9, 1.0, l, 1).size());
    }

    @Test
    void providersAreBlockSamplers() {
        assertEquals("fast-dllm-threshold", new FastDllmThresholdSamplerProvider().name());
        assertEquals("fast-dllm-factor", new FastDllmFactorSamplerProvider().name());
        assertEquals(32, new FastDllmThresholdSamplerProvider().defaultBlockLength().getAsInt());
        assertTrue(new EntropySamplerProvider().defaultBlockLength().isEmpty());
    }
}
