package dev.dream4j.backend.cpu;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.GenerationHooks;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.BackendConformance;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.conformance.ReferenceDecoder;
import dev.dream4j.kernel.engine.BlockSettings;
import dev.dream4j.kernel.engine.DenoisingEngine;
import dev.dream4j.kernel.engine.ResolvedGeneration;
import dev.dream4j.samplers.EntropySamplerProvider;
import dev.dream4j.samplers.FastDllmFactorSamplerProvider;
import dev.dream4j.samplers.FastDllmThresholdSamplerProvider;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendCapabilities;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.KvCache;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Block decoding (kernel {@link DenoisingEngine}) with the Fast-dLLM samplers on this backend's key/value cache,
 * on a synthetic checkpoint: exactness of refresh-every-step caching, the per-block approximation against an
 * independent double-precision computation, the refresh-commit rule, early stop and the uncached fallback.
 */
class BlockDecodingTest {
    private static CheckpointFixtures.Opened fixture;
    private static Backend backend;
    private static final int P = 5;
    private static final int NEW = 24;
    private static final int BLOCK = 8;

    @BeforeAll
    static void open() {
        fixture = CheckpointFixtures.open(SyntheticCheckpoint.builder().layers(2).hidden(64).intermediate(96).heads(4)
                .kvHeads(2).maxPositions(128).dtype(DType.F32).seed(11).build());
        backend = new JavaCpuBackendProvider().open(fixture.model(), fixture.checkpoint(), BackendOptions.defaults());
    }

    @AfterAll
    static void close() {
        backend.close();
        fixture.close();
    }

    private static ModelDescription model() {
        return fixture.model();
    }

    private static List<int[]> prompts(int rows) {
        List<int[]> out = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(3);
        for (int b = 0; b < rows; b++) {
            int[] p = new int[P - b]; // row 1 is left-padded by one
            for (int i = 0; i < p.length; i++) {
                p[i] = 10 + r.nextInt(200);
            }
            out.add(p);
        }
        return out;
    }

    private record Outcome(int[] tokens, int steps, List<DenoisingStep> events) {
    }

    private static Outcome decode(Backend b, SamplerProvider provider, int steps, BlockSettings block, int rows,
                                  List<LogitsProcessor> processors) {
        return decode(b, provider, steps, block, rows, processors, GenerationHooks.NONE);
    }

    private static Outcome decode(Backend b, SamplerProvider provider, int steps, BlockSettings block, int rows,
                                  List<LogitsProcessor> processors, GenerationHooks hooks) {
        DenoisingEngine engine = new DenoisingEngine(b, model());
        DenoisingEngine.Canvas canvas = engine.canvas(prompts(rows), NEW);
        SamplingParams params = new SamplingParams(0, OptionalDouble.empty(), OptionalInt.empty(), 0, 1e-3, 0, steps);
        ResolvedGeneration settings = new ResolvedGeneration(provider.name(), params, canvas.length(), P, 1L).withBlock(block);
        List<DenoisingStep> events = new ArrayList<>();
        DenoisingListener listener = s -> {
            events.add(s);
            return DenoisingListener.Decision.CONTINUE;
        };
        // temperature 0: marked greedy ahead of the other processors, as the temperature processor marks it
        List<LogitsProcessor> greedy = java.util.stream.Stream.concat(java.util.stream.Stream.<LogitsProcessor>of((info, l) -> l.makeGreedy()),
                processors.stream()).toList();
        int n = engine.run(canvas, settings, provider.create(params, block.decoding()),
                greedy, new SplittableRandom(9), listener, hooks).steps();
        return new Outcome(canvas.tokens().clone(), n, events);
    }

    private static BlockSettings settings(boolean blockSampler, CacheMode mode, boolean earlyStop) {
        return new BlockSettings(BLOCK, mode, earlyStop, blockSampler, 0.5, 1.0, 0);
    }

    @Test
    void refreshEveryStepIsTokenIdenticalToUncached() {
        for (SamplerProvider p : List.of(new FastDllmThresholdSamplerProvider(), new FastDllmFactorSamplerProvider(),
                new EntropySamplerProvider())) {
            boolean bs = p.defaultBlockLength().isPresent();
            for (int rows : new int[]{1, 2}) {
                Outcome none = decode(backend, p, 12, settings(bs, CacheMode.NONE, false), rows, List.of());
                for (CacheMode mode : new CacheMode[]{CacheMode.PREFIX, CacheMode.DUAL}) {
                    Outcome cached = decode(backend, p, 12, settings(bs, mode, false).withRefreshEvery(1), rows, List.of());
                    assertArrayEquals(none.tokens(), cached.tokens(), p.name() + " " + mode + " rows " + rows);
                    assertEquals(none.steps(), cached.steps(), p.name() + " " + mode + " forwards");
                }
            }
        }
    }

    /** Records what the engine asks of the cache, and checks every window against {@link ReferenceDecoder#window}. */
    private static final class CheckingBackend implements Backend {
        final List<int[]> windows = new ArrayList<>();
        int refreshes;
        double worst;

        @Override
        public ModelDescription model() {
            return backend.model();
        }

        @Override
        public BackendCapabilities capabilities() {
            return backend.capabilities();
        }

        @Override
        public Logits forward(ForwardBatch batch) {
            return backend.forward(batch);
        }

        @Override
        public KvCache openCache(int batch, int length) {
            KvCache inner = backend.openCache(batch, length);
            ReferenceDecoder ref = new ReferenceDecoder(fixture.model(), fixture.checkpoint());
            return new KvCache() {
                ForwardBatch refreshedWith;

                @Override
                public Logits refresh(ForwardBatch b) {
                    refreshes++;
                    refreshedWith = copy(b, ForwardBatch.allRows(b.batch(), b.length()));
                    return inner.refresh(b);
                }

                @Override
                public Logits window(ForwardBatch b, int from, int to) {
                    windows.add(new int[]{from, to});
                    Logits got = inner.window(b, from, to);
                    double[][] expected = ref.window(refreshedWith, copy(b, rowsOf(b)), from, to);
                    for (int r = 0; r < expected.length; r++) {
                        worst = Math.max(worst, ReferenceDecoder.rowError(got.data(), got.offset(r), expected[r]));
                    }
                    return got;
                }

                @Override
                public void close() {
                    inner.close();
                }
            };
        }

        @Override
        public void close() {
        }
    }

    private static int[] rowsOf(ForwardBatch b) {
        int[] r = new int[b.rowCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = b.row(i);
        }
        return r;
    }

    /** A snapshot: the engine's canvas array changes after the call. */
    private static ForwardBatch copy(ForwardBatch b, int[] rows) {
        int n = b.batch() * b.length();
        int[] t = new int[n];
        int[] p = new int[n];
        boolean[] v = new boolean[n];
        for (int i = 0; i < n; i++) {
            t[i] = b.token(i / b.length(), i % b.length());
            p[i] = b.position(i / b.length(), i % b.length());
            v[i] = b.isVisible(i / b.length(), i % b.length());
        }
        return ForwardBatch.of(b.batch(), b.length(), t, p, v, rows);
    }

    @Test
    void perBlockCacheRecomputesTheBlockAndKeepsTheRestStale() {
        for (CacheMode mode : new CacheMode[]{CacheMode.PREFIX, CacheMode.DUAL}) {
            for (SamplerProvider p : List.of(new FastDllmThresholdSamplerProvider(), new EntropySamplerProvider())) {
                boolean bs = p.defaultBlockLength().isPresent();
                CheckingBackend checking = new CheckingBackend();
                Outcome o = decode(checking, p, 12, settings(bs, mode, false), 2, List.of());
                String what = p.name() + " " + mode;
                assertEquals(NEW / BLOCK, checking.refreshes, what + ": one refresh per block");
                assertEquals(o.steps(), checking.refreshes + checking.windows.size(), what + ": every step is a refresh or a window");
                assertTrue(checking.worst <= 1e-4, what + ": window logits vs the stale-key reference: " + checking.worst);
                int length = P + NEW;
                for (int[] w : checking.windows) {
                    int blockStart = P + (w[0] - P) / BLOCK * BLOCK;
                    assertEquals(blockStart, w[0], what + ": windows start at the block");
                    assertEquals(mode == CacheMode.DUAL ? blockStart + BLOCK : length, w[1], what + ": window end");
                }
                // the refresh step of each block commits exactly the block's first slot in every row
                int block = 0;
                for (DenoisingStep s : o.events()) {
                    if (s.cacheHits() == 0) {
                        int start = P + block * BLOCK;
                        for (List<Integer> c : s.committed()) {
                            assertEquals(List.of(start), c, what + ": refresh commits the first slot");
                        }
                        block++;
                    } else {
                        assertEquals(2L * (mode == CacheMode.DUAL ? BLOCK : length - (P + (block - 1) * BLOCK)), s.rowsComputed(), what);
                        assertEquals(2L * length - s.rowsComputed(), s.cacheHits(), what);
                    }
                }
                assertFalse(containsMask(o.tokens()), what + ": fully decoded");
                if (!bs) {
                    assertEquals(12, o.steps(), what + ": Dream schedule uses the request's steps");
                }
            }
        }
    }

    private static boolean containsMask(int[] tokens) {
        for (int t : tokens) {
            if (t == model().tokens().mask()) {
                return true;
            }
        }
        return false;
    }

    @Test
    void thresholdCommitsSeveralTokensPerForward() {
        Outcome o = decode(backend, new FastDllmThresholdSamplerProvider(), 0, settings(true, CacheMode.DUAL, false), 1, List.of());
        assertFalse(containsMask(o.tokens()));
        assertTrue(o.steps() >= NEW / BLOCK && o.steps() <= NEW, "forwards " + o.steps());
        DenoisingStep last = o.events().getLast();
        assertEquals(o.steps(), last.forwards());
    }

    @Test
    void earlyStopFillsTheTailWithEndOfText() {
        int eos = model().tokens().eos();
        // force end-of-text at the 4th new slot of each row
        LogitsProcessor forceEos = (step, logits) -> {
            for (int r = 0; r < logits.rows(); r++) {
                if (logits.position(r) == P + 3) {
                    logits.logits().data()[logits.logits().offset(r) + eos] = 1e4f;
                }
            }
        };
        Outcome off = decode(backend, new FastDllmThresholdSamplerProvider(), 0, settings(true, CacheMode.NONE, false), 2, List.of(forceEos));
        Outcome on = decode(backend, new FastDllmThresholdSamplerProvider(), 0, settings(true, CacheMode.NONE, true), 2, List.of(forceEos));
        int length = P + NEW;
        for (int b = 0; b < 2; b++) {
            for (int j = P; j < P + BLOCK; j++) {
                assertEquals(off.tokens()[b * length + j], on.tokens()[b * length + j], "the first block is decoded as without early stop");
            }
            for (int j = P + BLOCK; j < length; j++) {
                assertEquals(eos, on.tokens()[b * length + j], "tail filled with end-of-text");
            }
        }
        assertTrue(on.steps() < off.steps(), "early stop saves forwards: " + on.steps() + " vs " + off.steps());
        assertEquals(0, on.events().getLast().masksLeft());
    }

    @Test
    void backendWithoutCacheFallsBackToUncached() {
        Backend plain = new Backend() {
            public ModelDescription model() { return backend.model(); }
            public BackendCapabilities capabilities() {
                BackendCapabilities c = backend.capabilities();
                return new BackendCapabilities(c.maxBatch(), true, false, c.weightTypes());
            }
            public Logits forward(ForwardBatch batch) { return backend.forward(batch); }
            public void close() { }
        };
        SamplerProvider p = new FastDllmThresholdSamplerProvider();
        Outcome none = decode(backend, p, 0, settings(true, CacheMode.NONE, false), 1, List.of());
        Outcome fallback = decode(plain, p, 0, settings(true, CacheMode.DUAL, false), 1, List.of());
        assertArrayEquals(none.tokens(), fallback.tokens());
        assertTrue(fallback.events().stream().allMatch(s -> s.cacheHits() == 0));
    }

    @Test
    void hooksRunUnderTheCache() {
        int forced = 50; // an ordinary id of the synthetic vocabulary
        assertNotEquals(model().tokens().mask(), forced);
        assertNotEquals(model().tokens().eos(), forced);
        for (SamplerProvider p : List.of(new FastDllmThresholdSamplerProvider(), new EntropySamplerProvider())) {
            boolean bs = p.defaultBlockLength().isPresent();
            for (CacheMode mode : new CacheMode[]{CacheMode.PREFIX, CacheMode.DUAL}) {
                List<Integer> tokenSteps = new ArrayList<>();
                GenerationHooks hooks = new GenerationHooks(Optional.of((step, canvas) -> tokenSteps.add(step)),
                        Optional.of((step, canvas, logits) -> {
                            for (int r = 0; r < logits.rows(); r++) {
                                logits.set(r, forced, 1e4f);
                            }
                        }));
                Outcome plain = decode(backend, p, 12, settings(bs, mode, false), 2, List.of());
                Outcome hooked = decode(backend, p, 12, settings(bs, mode, false), 2, List.of(), hooks);
                int length = P + NEW;
                for (int b = 0; b < 2; b++) {
                    for (int j = P; j < length; j++) {
                        assertEquals(forced, hooked.tokens()[b * length + j], p.name() + " " + mode + " slot " + b + ":" + j
                                + ": the logits hook reaches every committing step, the cache refresh included");
                    }
                }
                assertFalse(java.util.Arrays.equals(plain.tokens(), hooked.tokens()), "the hook changed the result");
                assertEquals(hooked.steps() + 1, tokenSteps.size(), "tokens hook: once before the first step, once per step");
                assertEquals(-1, tokenSteps.getFirst());
            }
        }
    }
}
