package dev.dream4j.backend.cpu;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.kernel.engine.BlockSettings;
import dev.dream4j.kernel.engine.DenoisingEngine;
import dev.dream4j.kernel.engine.ResolvedGeneration;
import dev.dream4j.samplers.FastDllmThresholdSamplerProvider;
import dev.dream4j.samplers.LowConfidenceSamplerProvider;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Block decoding and the Fast-dLLM caches on a family without a logit shift (LLaDA layout): refresh-every-step caching
 * is token-identical to uncached decoding, and the per-block refresh is an ordinary step of the schedule (it commits
 * by the sampler's rule, not the block's first slot unconditionally as under Dream's shift).
 */
class UnshiftedBlockDecodingTest {
    private static CheckpointFixtures.Opened fixture;
    private static Backend backend;
    private static final int NEW = 24;
    private static final int BLOCK = 8;
    private static final int[] PROMPT = {11, 40, 97, 3, 58};

    @BeforeAll
    static void open() {
        fixture = CheckpointFixtures.open(SyntheticCheckpoint.builder().layout(SyntheticCheckpoint.Layout.LLADA).layers(2)
                .hidden(64).intermediate(96).heads(4).kvHeads(2).ropeTheta(500000).rmsNormEps(1e-5).maxPositions(128)
                .dtype(DType.F32).seed(17).build());
        backend = new JavaCpuBackendProvider().open(fixture.model(), fixture.checkpoint(), BackendOptions.defaults());
    }

    @AfterAll
    static void close() {
        backend.close();
        fixture.close();
    }

    private record Outcome(int[] tokens, List<DenoisingStep> events) {
    }

    private static Outcome decode(SamplerProvider provider, int steps, CacheMode mode, int refreshEvery) {
        assertEquals(0, fixture.model().logitShift());
        DenoisingEngine engine = new DenoisingEngine(backend, fixture.model());
        DenoisingEngine.Canvas canvas = engine.canvas(List.of(PROMPT), NEW);
        SamplingParams params = new SamplingParams(0, OptionalDouble.empty(), OptionalInt.empty(), 0, 1e-3, 0, steps);
        BlockSettings block = new BlockSettings(BLOCK, mode, false, provider.defaultBlockLength().isPresent(), 0.5, 1.0, refreshEvery);
        ResolvedGeneration settings = new ResolvedGeneration(provider.name(), params, canvas.length(), PROMPT.length, 1L)
                .withBlock(block);
        List<DenoisingStep> events = new ArrayList<>();
        engine.run(canvas, settings, provider.create(params, block.decoding()),
                List.of((info, l) -> l.makeGreedy()), new SplittableRandom(9), s -> { // temperature 0, as its processor marks it
                    events.add(s);
                    return DenoisingListener.Decision.CONTINUE;
                });
        return new Outcome(canvas.tokens().clone(), events);
    }

    @Test
    void refreshEveryStepIsTokenIdenticalToUncached() {
        for (SamplerProvider p : List.of(new LowConfidenceSamplerProvider(), new FastDllmThresholdSamplerProvider())) {
            Outcome none = decode(p, 12, CacheMode.NONE, 0);
            for (CacheMode mode : new CacheMode[]{CacheMode.PREFIX, CacheMode.DUAL}) {
                Outcome cached = decode(p, 12, mode, 1);
                assertArrayEquals(none.tokens(), cached.tokens(), p.name() + " " + mode);
                assertEquals(none.events().size(), cached.events().size(), p.name() + " " + mode + " steps");
            }
        }
    }

    @Test
    void theBlockRefreshIsAnOrdinaryScheduledStep() {
        // 3 blocks of 8 masks, 12 steps -> 4 steps per block, LLaDA's even split commits 2 slots on every step,
        // the refresh included (under Dream's shift the refresh would commit exactly one slot and add a step)
        Outcome dual = decode(new LowConfidenceSamplerProvider(), 12, CacheMode.DUAL, 0);
        assertEquals(12, dual.events().size(), "steps = forwards, no extra refresh step");
        for (DenoisingStep s : dual.events()) {
            assertEquals(2, s.committed().getFirst().size(), "step " + s.step() + " commits its even share");
        }
        for (int j = PROMPT.length; j < PROMPT.length + NEW; j++) {
            assertNotEquals(fixture.model().tokens().mask(), dual.tokens()[j], "slot " + j + " decoded");
        }
    }
}
