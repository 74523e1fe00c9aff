package dev.dream4j.samplers;

import dev.dream4j.conformance.SamplerHarness;
import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.random.RandomGenerator;

import static dev.dream4j.samplers.Fixtures.logitsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** Expected commits are derived by hand in the comments. */
class SamplersTest {
    /** t = 1, s = 0.5: a non-final step that commits floor(nAvg * 0.5). */
    private static final StepInfo HALF = new StepInfo(0, 4, 1f, 0.5f);
    private static final StepInfo LAST = new StepInfo(3, 4, 0.25f, 1e-3f);

    private static StepDecision step(SamplerProvider p, SamplingParams params, StepInfo info, MaskedLogits m, RandomGenerator r) {
        MaskedLogits tempered = Fixtures.tempered(m, params);
        return p.create(params).step(Fixtures.context(info, 1, 12, tempered), tempered, r);
    }

    private static StepDecision decision(int[] rows, int[] tokens) {
        return new StepDecision(rows, tokens);
    }

    @Test
    void maskgitGreedyCommitsTheMostProbableSlotWithoutDrawing() {
        // p(argmax): 0.8, 0.9, 0.5; nAvg 3 * 0.5 = 1.5 -> k 1: row 1, token 1
        MaskedLogits m = Fixtures.rows(new int[]{2, 3, 4}, logitsOf(0.8, 0.2), logitsOf(0.1, 0.9), logitsOf(0.5, 0.5));
        assertEquals(decision(new int[]{1}, new int[]{1}),
                step(new MaskGitPlusSamplerProvider(), Fixtures.params(0, 0), HALF, m, SamplerHarness.forbidden()));
    }

    @Test
    void topkMarginRanksByTheGapBetweenTheTopTwo() {
        // A = [.6, .4, 0]: p(tok) .6, margin .2; B = [.5, .25, .25]: p(tok) .5, margin .25; k = floor(2 * .5) = 1
        MaskedLogits m = Fixtures.rows(new int[]{5, 6}, logitsOf(0.6, 0.4, 0), logitsOf(0.5, 0.25, 0.25));
        assertEquals(decision(new int[]{0}, new int[]{0}),
                step(new MaskGitPlusSamplerProvider(), Fixtures.params(0, 0), HALF, m, SamplerHarness.forbidden()));
        assertEquals(decision(new int[]{1}, new int[]{0}),
                step(new TopKMarginSamplerProvider(), Fixtures.params(0, 0), HALF, m, SamplerHarness.forbidden()));
    }

    @Test
    void entropyCommitsTheMostCertainSlotFirst() {
        // P = [.5, .5, 0]: sum p ln p = -0.693147; Q = [.52, .24, .24]: .52 ln .52 + 2 * .24 ln .24 = -1.025058.
        // Negative entropy is larger for P, so entropy commits P (row 0) although maskgit_plus prefers Q (.52 > .5).
        // llama.cpp's inverted ranking (largest +entropy) would commit Q.
        float[] p = logitsOf(0.5, 0.5, 0);
        float[] q = logitsOf(0.52, 0.24, 0.24);
        MaskedLogits m = Fixtures.rows(new int[]{0, 1}, p, q);
        assertEquals(decision(new int[]{0}, new int[]{0}),
                step(new EntropySamplerProvider(), Fixtures.params(0, 0), HALF, m, SamplerHarness.forbidden()));
        assertEquals(decision(new int[]{1}, new int[]{0}),
                step(new MaskGitPlusSamplerProvider(), Fixtures.params(0, 0), HALF, m, SamplerHarness.forbidden()));
        assertEquals(-0.693147f, Confidence.ENTROPY.score(new float[]{0.5f, 0.5f, 0f}, 3, 0), 1e-5);
        assertEquals(-1.025058f, Confidence.ENTROPY.score(new float[]{0.52f, 0.24f, 0.24f}, 3, 0), 1e-5);
    }

    @Test
    void entropyPrefersAPeakedRowOverAUniformOne() {
        // uniform over 4: -ln 4 = -1.386; [.97, .01, .01, .01]: -0.167; the peaked row (1) goes first
        MaskedLogits m = Fixtures.rows(new int[]{3, 4}, logitsOf(0.25, 0.25, 0.25, 0.25), logitsOf(0.01, 0.97, 0.01, 0.01));
        assertEquals(decision(new int[]{1}, new int[]{1}),
                step(new EntropySamplerProvider(), Fixtures.params(0, 0), HALF, m, SamplerHarness.forbidden()));
    }

    @Test
    void sampledTokensUseOneDrawPerRowInRowOrder() {
        // R0 = [.5, .3, .2], u = .7: running sum .5, .8 > .7 -> token 1, conf .3
        // R1 = [.1, .6, .3], u = .05: .1 > .05 -> token 0, conf .1; k 1 -> row 0 with token 1
        MaskedLogits m = Fixtures.rows(new int[]{1, 2}, logitsOf(0.5, 0.3, 0.2), logitsOf(0.1, 0.6, 0.3));
        Fixtures.Scripted r = new Fixtures.Scripted(0.7, 0.05);
        assertEquals(decision(new int[]{0}, new int[]{1}), step(new MaskGitPlusSamplerProvider(), Fixtures.params(1, 0), HALF, m, r));
        assertEquals(0, r.left());
    }

    @Test
    void algTempDrawsPositionsFromTheSoftmaxOfConfidences() {
        // conf .8, .9, .5; alg_temp 1: weights exp(c - .9) = .904837, 1, .670320, total 2.575157
        // u .1 -> .2575 -> row 0; u .5 -> 1.2876 -> row 1; u .99 -> 2.5494 -> row 2
        MaskedLogits m = Fixtures.rows(new int[]{2, 3, 4}, logitsOf(0.8, 0.2), logitsOf(0.1, 0.9), logitsOf(0.5, 0.5));
        SamplingParams params = Fixtures.params(0, 1.0);
        assertEquals(decision(new int[]{0}, new int[]{0}), step(new MaskGitPlusSamplerProvider(), params, HALF, m, new Fixtures.Scripted(0.1)));
        assertEquals(decision(new int[]{1}, new int[]{1}), step(new MaskGitPlusSamplerProvider(), params, HALF, m, new Fixtures.Scripted(0.5)));
        assertEquals(decision(new int[]{2}, new int[]{0}), step(new MaskGitPlusSamplerProvider(), params, HALF, m, new Fixtures.Scripted(0.99)));
    }

    @Test
    void algTempDrawsWithoutReplacement() {
        // k = floor(3 * (1 - 0.25/1)) = floor(2.25) = 2. u .5 -> row 1 (as above); row 1 removed: weights .904837,
        // .670320, total 1.575157, u .5 -> .787579 -> row 0
        MaskedLogits m = Fixtures.rows(new int[]{2, 3, 4}, logitsOf(0.8, 0.2), logitsOf(0.1, 0.9), logitsOf(0.5, 0.5));
        Fixtures.Scripted r = new Fixtures.Scripted(0.5, 0.5);
        assertEquals(decision(new int[]{0, 1}, new int[]{0, 1}),
                step(new MaskGitPlusSamplerProvider(), Fixtures.params(0, 1.0), new StepInfo(0, 4, 1f, 0.25f), m, r));
        assertEquals(0, r.left());
    }

    @Test
    void aRowWithFewerMasksThanKCommitsOnlyItsMasks() {
        // batch 0 has 1 mask, batch 1 has 5; nAvg 3, 1 - s/t = 1 -> k 3. Row 0 commits its single mask (the reference
        // would also write MASK over two unmasked slots); batch 1 commits its 3 best: p .9 (row 1), .8 (row 3), .7 (row 4)
        MaskedLogits m = Fixtures.rows(new int[]{0, 1, 1, 1, 1, 1}, new int[]{3, 1, 2, 3, 4, 5},
                logitsOf(0.4, 0.6), logitsOf(0.9, 0.1), logitsOf(0.4, 0.6), logitsOf(0.2, 0.8), logitsOf(0.7, 0.3), logitsOf(0.5, 0.5));
        StepInfo all = new StepInfo(0, 4, 1f, 0f);
        m.makeGreedy(); // temperature 0
        StepDecision d = new MaskGitPlusSamplerProvider().create(Fixtures.params(0, 0)).step(Fixtures.context(all, 2, 8, m), m, SamplerHarness.forbidden());
        assertEquals(decision(new int[]{0, 1, 3, 4}, new int[]{1, 0, 1, 0}), d);
    }

    @Test
    void tiesGoToTheLowerPosition() {
        // four identical rows at positions 3, 4, 7, 9; k = floor(4 * .5) = 2 -> positions 3 and 4
        float[] same = logitsOf(0.3, 0.7);
        MaskedLogits m = Fixtures.rows(new int[]{3, 4, 7, 9}, same, same, same, same);
        for (SamplerProvider p : List.of(new MaskGitPlusSamplerProvider(), new TopKMarginSamplerProvider(), new EntropySamplerProvider())) {
            assertEquals(decision(new int[]{0, 1}, new int[]{1, 1}), step(p, Fixtures.params(0, 0), HALF, m, SamplerHarness.forbidden()), p.name());
        }
    }

    @Test
    void lastStepCommitsEverything() {
        MaskedLogits m = Fixtures.rows(new int[]{2, 3, 4}, logitsOf(0.8, 0.2), logitsOf(0.1, 0.9), logitsOf(0.5, 0.5));
        for (SamplerProvider p : List.of(new OriginSamplerProvider(), new MaskGitPlusSamplerProvider(), new TopKMarginSamplerProvider(), new EntropySamplerProvider())) {
            assertEquals(decision(new int[]{0, 1, 2}, new int[]{0, 1, 0}), step(p, Fixtures.params(0, 0), LAST, m, SamplerHarness.forbidden()), p.name());
        }
    }

    @Test
    void originCommitsEachSlotWithProbabilityOneMinusSOverT() {
        // t 1, s .75 -> p .25; Bernoulli draws .1, .3, .2 -> rows 0 and 2; greedy -> token 0 for both, no more draws
        float[] row = logitsOf(0.5, 0.3, 0.2);
        MaskedLogits m = Fixtures.rows(new int[]{1, 2, 3}, row, row, row);
        StepInfo quarter = new StepInfo(0, 4, 1f, 0.75f);
        Fixtures.Scripted r = new Fixtures.Scripted(0.1, 0.3, 0.2);
        assertEquals(decision(new int[]{0, 2}, new int[]{0, 0}), step(new OriginSamplerProvider(), Fixtures.params(0, 5.0), quarter, m, r));
        assertEquals(0, r.left());
        // temperature 1: then one token draw per committed row: .9 -> running .5, .8, 1.0 -> token 2; .4 -> token 0
        r = new Fixtures.Scripted(0.1, 0.3, 0.2, 0.9, 0.4);
        assertEquals(decision(new int[]{0, 2}, new int[]{2, 0}), step(new OriginSamplerProvider(), Fixtures.params(1, 0), quarter, m, r));
        assertEquals(0, r.left());
    }

    @Test
    void degenerateRowFallsBackToArgmaxAndStillDrawsOnce() {
        MaskedLogits m = Fixtures.rows(new int[]{0}, new float[]{0f, Float.POSITIVE_INFINITY, 1f});
        Fixtures.Scripted r = new Fixtures.Scripted(0.3);
        assertEquals(decision(new int[]{0}, new int[]{1}), step(new MaskGitPlusSamplerProvider(), Fixtures.params(1, 0), LAST, m, r));
        assertEquals(0, r.left());
    }

    /** Runs the active processors, in order, then the sampler, like the engine. */
    private static Sampler pipeline(SamplerProvider provider, SamplingParams params) {
        List<LogitsProcessorProvider> providers = new ArrayList<>(List.of(new PadPenaltyProcessorProvider(), new TemperatureProcessorProvider(),
                new TopPProcessorProvider(), new TopKProcessorProvider()));
        providers.sort(Comparator.comparingInt(LogitsProcessorProvider::order));
        List<LogitsProcessor> active = new ArrayList<>();
        for (LogitsProcessorProvider p : providers) {
            p.create(params, Fixtures.model(24, 3)).ifPresent(active::add);
        }
        Sampler sampler = provider.create(params);
        return (context, logits, random) -> {
            for (LogitsProcessor p : active) {
                p.process(context.info(), logits);
            }
            return sampler.step(context, logits, random);
        };
    }

    @Test
    void topKOneOrATinyTopPMakesSamplingGreedy() {
        for (SamplingParams params : List.of(
                new SamplingParams(1.0, OptionalDouble.empty(), OptionalInt.of(1), 0, 1e-3, 0, 6),
                new SamplingParams(0.7, OptionalDouble.of(0.01), OptionalInt.empty(), 0, 1e-3, 0, 6))) {
            for (SamplerProvider p : List.of(new OriginSamplerProvider(), new MaskGitPlusSamplerProvider(), new TopKMarginSamplerProvider(), new EntropySamplerProvider())) {
                // logits whose argmax is token (j * 5 + b) % 20 at every step: the filtered draw can only return it
                SamplerHarness.LogitsSource source = (step, b, j, row) -> {
                    SamplerHarness.gaussian(step * 31L + j, 1f).fill(step, b, j, row);
                    row[(j * 5 + b) % 20] = 9f;
                };
                SamplerHarness h = new SamplerHarness(24, 12, 2, 2);
                int[] canvas = h.run(pipeline(p, params), params, source, SamplerHarness.seeded(17)).canvas();
                for (int b = 0; b < 2; b++) {
                    for (int j = 2; j < 12; j++) {
                        assertEquals((j * 5 + b) % 20, canvas[b * 12 + j], p.name() + " slot " + b + "," + j);
                    }
                }
            }
        }
    }

    @Test
    void aSeedReproducesAWholeRunWithEveryProcessor() {
        SamplingParams params = new SamplingParams(0.8, OptionalDouble.of(0.95), OptionalInt.of(10), 0.3, 1e-3, 3.0, 8);
        for (SamplerProvider p : List.of(new OriginSamplerProvider(), new MaskGitPlusSamplerProvider(), new TopKMarginSamplerProvider(), new EntropySamplerProvider())) {
            int[] a = new SamplerHarness(24, 16, 3, 3).run(pipeline(p, params), params, SamplerHarness.gaussian(5, 2f), SamplerHarness.seeded(1234)).canvas();
            int[] b = new SamplerHarness(24, 16, 3, 3).run(pipeline(p, params), params, SamplerHarness.gaussian(5, 2f), SamplerHarness.seeded(1234)).canvas();
            int[] c = new SamplerHarness(24, 16, 3, 3).run(pipeline(p, params), params, SamplerHarness.gaussian(5, 2f), SamplerHarness.seeded(4321)).canvas();
            assertArrayEquals(a, b, p.name());
            assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c), p.name() + ": another seed, another sample");
        }
    }

    @Test
    void everyProviderIsRegistered() {
        List<String> samplers = ServiceLoader.load(dev.dream4j.spi.sampling.SamplerProvider.class).stream().map(x -> x.get().name()).sorted().toList();
        assertEquals(List.of("entropy", "fast-dllm-factor", "fast-dllm-threshold", "low_confidence", "maskgit_plus", "origin",
                "random", "topk_margin"), samplers);
        List<String> processors = ServiceLoader.load(LogitsProcessorProvider.class).stream().map(x -> x.get().name()).sorted().toList();
        assertEquals(List.of("pad-penalty", "temperature", "top-k", "top-p"), processors);
    }
}
