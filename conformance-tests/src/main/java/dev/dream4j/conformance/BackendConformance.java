package dev.dream4j.conformance;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.UnsupportedFeatureException;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.spi.SpiVersion;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendCapabilities;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.KvCache;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.JsonConfig;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.TensorRole;
import dev.dream4j.spi.model.TensorMap;
import dev.dream4j.spi.model.DecoderRecipe;
import dev.dream4j.spi.model.TensorView;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backend conformance suite (rules in {@code conformance-tests/RULES.md}), in the style of the Reactive
 * Streams TCK: extend it in the backend's tests and return the provider.
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends BackendConformance {
 *     protected BackendProvider provider() { return new MyBackendProvider(); }
 * }
 * }</pre>
 *
 * Expected logits come from {@link ReferenceDecoder}, a separate double-precision implementation. The fidelity metric is
 * {@link ReferenceDecoder#rowError}: the largest absolute difference of a row divided by the row's largest |logit|.
 */
public abstract class BackendConformance {

    /** The provider under test. */
    protected abstract BackendProvider provider();

    /** Options the backend is opened with. */
    protected BackendOptions options() {
        return BackendOptions.defaults();
    }

    /** Allowed {@link ReferenceDecoder#rowError} for checkpoints of this dtype (rule B1). */
    protected double logitTolerance(DType dtype) {
        return dtype == DType.F32 ? 1e-4 : 1e-3;
    }

    /**
     * Allowed {@link ReferenceDecoder#rowError} between a sequence run alone and the same sequence inside a padded
     * batch (rule B3). Zero would demand bit-identity.
     */
    protected double batchInvarianceTolerance() {
        return 1e-5;
    }

    /** Checkpoint dtypes rule B1 runs on; a backend that reads fewer narrows it. */
    protected List<DType> dtypes() {
        return List.of(DType.F32, DType.BF16);
    }

    private static SyntheticCheckpoint.Builder shape() {
        // odd hidden size, GQA ratio 3, odd intermediate
        return SyntheticCheckpoint.builder().layers(2).hidden(72).intermediate(100).heads(6).kvHeads(2).headDim(12)
                .ropeTheta(10000).maxPositions(64).seed(7);
    }

    private Backend open(CheckpointFixtures.Opened f) {
        Backend b = provider().open(f.model(), f.checkpoint(), options());
        assertNotNull(b, "provider returned null");
        return b;
    }

    private static int[] tokens(int n, int vocab, long seed) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = r.nextInt(vocab);
        }
        return t;
    }

    private static void assertClose(double[][] expected, Logits actual, double tol, String rule) {
        assertEquals(expected.length, actual.rows(), rule + " row count");
        for (int r = 0; r < expected.length; r++) {
            double err = ReferenceDecoder.rowError(actual.data(), actual.offset(r), expected[r]);
            assertTrue(err <= tol, rule + " row " + r + ": relative error " + err + " > " + tol);
        }
    }

    /**
     * A left-padded batch of the given sequences as the reference builds it (pad slots hidden, at position 1; the
     * others at 0..n-1); logits of every slot.
     */
    public static ForwardBatch leftPadded(int[][] seqs, int pad) {
        int len = 0;
        for (int[] s : seqs) {
            len = Math.max(len, s.length);
        }
        int n = seqs.length;
        int[] tok = new int[n * len];
        int[] pos = new int[n * len];
        boolean[] vis = new boolean[n * len];
        for (int b = 0; b < n; b++) {
            int padN = len - seqs[b].length;
            for (int j = 0; j < len; j++) {
                int slot = b * len + j;
                if (j < padN) {
                    tok[slot] = pad;
                    pos[slot] = 1;
                } else {
                    tok[slot] = seqs[b][j - padN];
                    pos[slot] = j - padN;
                    vis[slot] = true;
                }
            }
        }
        return ForwardBatch.of(n, len, tok, pos, vis, ForwardBatch.allRows(n, len));
    }

    @Test
    public void rule_B0_providerIsWellFormed() {
        BackendProvider p = provider();
        assertTrue(p.name().matches("[a-z0-9][a-z0-9._-]*"), "[B0] name: " + p.name());
        assertEquals(SpiVersion.MAJOR, p.spiVersion(), "[B0] SPI major version");
        assertTrue(p.isAvailable(), "[B0] the suite needs an available backend");
        assertTrue(p.unavailableReason().isEmpty(), "[B0] an available backend gives no unavailable reason: "
                + p.unavailableReason().orElse(""));
        try (var f = CheckpointFixtures.tiny(); Backend b = open(f)) {
            BackendCapabilities c = b.capabilities();
            assertTrue(c.maxBatch() >= 1, "[B0] maxBatch");
            assertTrue(c.weightTypes().contains(DType.BF16), "[B0] the tiny fixture is bf16 and must be readable");
            assertEquals(f.model(), b.model(), "[B0] model()");
        }
    }

    @Test
    public void rule_B1_logitsMatchReference() {
        for (DType dt : dtypes()) {
            try (var f = CheckpointFixtures.open(shape().dtype(dt).build()); Backend b = open(f)) {
                int vocab = f.model().spec().vocabSize();
                ReferenceDecoder ref = new ReferenceDecoder(f.model(), f.checkpoint());
                for (int len : new int[]{1, 7, 19}) {
                    ForwardBatch fb = ForwardBatch.single(tokens(len, vocab, len), ForwardBatch.allRows(1, len));
                    assertClose(ref.forward(fb), b.forward(fb), logitTolerance(dt), "[B1] " + dt + " L=" + len);
                }
                ForwardBatch padded = leftPadded(new int[][]{tokens(9, vocab, 3), tokens(5, vocab, 4)}, 0);
                assertClose(ref.forward(padded), b.forward(padded), logitTolerance(dt), "[B1] " + dt + " padded batch");
            }
        }
    }

    /**
     * Rule B15: every fixture of {@link CheckpointFixtures#familyMatrix()} whose weight type the backend reads (each
     * installed family's published layout; RoPE θ 1e6 and 5e5; bf16, f16, f32; head_dim 128 with GQA; bias and no-bias
     * projections; several norm epsilons) matches the reference decoder, single rows and a left-padded batch.
     */
    @Test
    public void rule_B15_everyFamilyRecipeMatchesReference() {
        int checked = 0;
        for (SyntheticCheckpoint fixture : CheckpointFixtures.familyMatrix()) {
            try (var f = CheckpointFixtures.open(fixture.toBuilder().maxPositions(64).build()); Backend b = open(f)) {
                if (!b.capabilities().weightTypes().contains(fixture.dtype())) {
                    continue;
                }
                int vocab = f.model().spec().vocabSize();
                ReferenceDecoder ref = new ReferenceDecoder(f.model(), f.checkpoint());
                String what = "[B15] " + f.model().family() + " " + fixture.dtype() + " theta " + fixture.ropeTheta();
                ForwardBatch fb = ForwardBatch.single(tokens(13, vocab, 13), ForwardBatch.allRows(1, 13));
                assertClose(ref.forward(fb), b.forward(fb), logitTolerance(fixture.dtype()), what);
                ForwardBatch padded = leftPadded(new int[][]{tokens(8, vocab, 3), tokens(5, vocab, 4)}, 0);
                assertClose(ref.forward(padded), b.forward(padded), logitTolerance(fixture.dtype()), what + " padded batch");
                checked++;
            }
        }
        assertTrue(checked >= 2, "[B15] the backend must read at least two fixtures of the matrix, read " + checked);
    }

    /**
     * Rule B16: every recipe building block, including those no installed family uses yet: per-head q/k norms, an
     * o_proj bias, tanh-GELU, interleaved RoPE with linear scaling, a non-default attention scale and norm epsilon. The
     * description is a Dream-layout fixture with the extra tensors, re-described with that recipe; a backend may refuse
     * a block it does not implement only with {@link UnsupportedFeatureException} at open (the rule then records it).
     */
    @Test
    public void rule_B16_everyRecipeBuildingBlock() {
        try (var f = CheckpointFixtures.open(shape().optionalTensors(true).dtype(DType.F32).build())) {
            ModelDescription base = f.model();
            int d = base.spec().headDim();
            DecoderRecipe recipe = new DecoderRecipe(DecoderRecipe.Norm.RMS, 1e-3, true, true, true,
                    DecoderRecipe.Activation.GELU_TANH, new DecoderRecipe.Rope(5e5, DecoderRecipe.RopeStyle.INTERLEAVED, 2.0),
                    0.7 / Math.sqrt(d), base.recipe().tiedEmbeddings());
            String layer = base.tensors().name(TensorRole.Q, 0).replace("0.self_attn.q_proj.weight", TensorMap.LAYER + ".self_attn.");
            java.util.Map<TensorRole, String> patterns = new java.util.EnumMap<>(base.tensors().patterns());
            patterns.put(TensorRole.Q_NORM, layer + "q_norm.weight");
            patterns.put(TensorRole.K_NORM, layer + "k_norm.weight");
            patterns.put(TensorRole.O_BIAS, layer + "o_proj.bias");
            ModelDescription m = new ModelDescription(base.family(), base.spec(), recipe, new TensorMap(patterns), base.tokens(),
                    base.logitShift(), base.defaults(), base.contextLength());
            Backend b;
            try {
                b = provider().open(m, f.checkpoint(), options());
            } catch (UnsupportedFeatureException e) {
                Assumptions.abort("[B16] declared off: " + e.getMessage());
                return;
            }
            try (b) {
                int vocab = m.spec().vocabSize();
                ReferenceDecoder ref = new ReferenceDecoder(m, f.checkpoint());
                ForwardBatch fb = ForwardBatch.single(tokens(11, vocab, 21), ForwardBatch.allRows(1, 11));
                assertClose(ref.forward(fb), b.forward(fb), logitTolerance(DType.F32), "[B16] every building block");
                ForwardBatch padded = leftPadded(new int[][]{tokens(7, vocab, 5), tokens(4, vocab, 6)}, 0);
                assertClose(ref.forward(padded), b.forward(padded), logitTolerance(DType.F32), "[B16] padded batch");
                // the same checkpoint under its own recipe gives other logits: the blocks are not ignored
                try (Backend plain = open(f)) {
                    double diff = ReferenceDecoder.rowError(plain.forward(fb).data(), 0, ref.forward(fb)[0]);
                    assertTrue(diff > 1e-2, "[B16] the building blocks change the logits: " + diff);
                }
            }
        }
    }

    @Test
    public void rule_B2_onlyRequestedRowsInRequestedOrder() {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            int vocab = f.model().spec().vocabSize();
            int[] t = tokens(11, vocab, 5);
            Logits all = b.forward(ForwardBatch.single(t, ForwardBatch.allRows(1, 11)));
            int[] rows = {9, 2, 5};
            Logits some = b.forward(ForwardBatch.single(t, rows));
            assertEquals(3, some.rows(), "[B2] row count");
            assertEquals(vocab, some.vocab(), "[B2] vocab");
            for (int r = 0; r < rows.length; r++) {
                double err = ReferenceDecoder.rowError(some.data(), some.offset(r), toDouble(all.copyRow(rows[r])));
                assertTrue(err <= batchInvarianceTolerance(), "[B2] requested row " + rows[r] + " differs: " + err);
            }
            Logits none = b.forward(ForwardBatch.single(t, new int[0]));
            assertEquals(0, none.rows(), "[B2] no rows requested");
        }
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    @Test
    public void rule_B3_paddingAndBatchInvariance() {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            int vocab = f.model().spec().vocabSize();
            int[] a = tokens(6, vocab, 11);
            int[] c = tokens(13, vocab, 12);
            Logits alone = b.forward(ForwardBatch.single(a, ForwardBatch.allRows(1, a.length)));
            int pad = f.model().tokens().pad();
            for (int[][] seqs : new int[][][]{{c, a}, {a, c, a}}) {
                ForwardBatch fb = leftPadded(seqs, pad);
                Logits batched = b.forward(fb);
                int len = fb.length();
                int bIdx = seqs[0] == a ? 0 : 1;
                for (int j = 0; j < a.length; j++) {
                    int slot = bIdx * len + (len - a.length) + j;
                    double err = ReferenceDecoder.rowError(batched.data(), batched.offset(slot), toDouble(alone.copyRow(j)));
                    assertTrue(err <= batchInvarianceTolerance(), "[B3] position " + j + " changed by " + err);
                }
            }
        }
    }

    @Test
    public void rule_B4_hiddenSlotsStayFinite() {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            ForwardBatch fb = leftPadded(new int[][]{tokens(8, 50, 1), tokens(2, 50, 2)}, 0);
            Logits l = b.forward(fb);
            for (float v : l.data()) {
                assertTrue(Float.isFinite(v), "[B4] non-finite logit (hidden query rows must stay finite)");
            }
            boolean[] none = new boolean[4];
            Logits allHidden = b.forward(ForwardBatch.of(1, 4, new int[4], new int[]{1, 1, 1, 1}, none, ForwardBatch.allRows(1, 4)));
            for (float v : allHidden.data()) {
                assertTrue(Float.isFinite(v), "[B4] non-finite logit for a fully hidden row");
            }
        }
    }

    @Test
    public void rule_B5_deterministic() {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            ForwardBatch fb = leftPadded(new int[][]{tokens(17, 60, 1), tokens(12, 60, 2)}, 0);
            float[] first = b.forward(fb).data();
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(first, b.forward(fb).data(), "[B5] repeated forward is not bit-identical");
            }
        }
    }

    @Test
    public void rule_B6_concurrentForwardOrDeclaredSingleThreaded() throws Exception {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            Assumptions.assumeTrue(b.capabilities().concurrentForward(),
                    "declared single-threaded (concurrentForward = false): callers serialise forwards");
            List<ForwardBatch> batches = new ArrayList<>();
            List<float[]> expected = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ForwardBatch fb = ForwardBatch.single(tokens(5 + 3 * i, 60, i), ForwardBatch.allRows(1, 5 + 3 * i));
                batches.add(fb);
                expected.add(b.forward(fb).data());
            }
            ExecutorService ex = Executors.newFixedThreadPool(4);
            try {
                List<Future<float[]>> results = new ArrayList<>();
                for (int round = 0; round < 3; round++) {
                    for (ForwardBatch fb : batches) {
                        Callable<float[]> c = () -> b.forward(fb).data();
                        results.add(ex.submit(c));
                    }
                }
                for (int i = 0; i < results.size(); i++) {
                    assertArrayEquals(expected.get(i % 4), results.get(i).get(), "[B6] concurrent forward differs");
                }
            } finally {
                ex.shutdownNow();
            }
        }
    }

    @Test
    public void rule_B7_badTokenIdIsTypedError() {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            int vocab = f.model().spec().vocabSize();
            for (int bad : new int[]{vocab, -1, Integer.MAX_VALUE}) {
                int[] t = tokens(5, vocab, 1);
                t[3] = bad;
                InvalidRequestException e = assertThrows(InvalidRequestException.class,
                        () -> b.forward(ForwardBatch.single(t, new int[]{0})), "[B7] token id " + bad);
                assertTrue(e.getMessage().contains(Integer.toString(bad)), "[B7] message must name the id: " + e.getMessage());
            }
            // a bad id in a hidden slot is still rejected
            ForwardBatch fb = ForwardBatch.of(1, 3, new int[]{vocab + 5, 1, 2}, new int[]{1, 0, 1}, new boolean[]{false, true, true}, new int[]{2});
            assertThrows(InvalidRequestException.class, () -> b.forward(fb), "[B7] hidden slot with bad id");
        }
    }

    @Test
    public void rule_B8_positionBeyondMaxIsTypedError() {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            int max = f.model().spec().maxPositionEmbeddings();
            int[] pos = {0, 1, max};
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> b.forward(ForwardBatch.of(1, 3, new int[]{1, 2, 3}, pos, null, new int[]{0})), "[B8]");
            assertTrue(e.getMessage().contains(Integer.toString(max)), "[B8] message must name the position: " + e.getMessage());
            // the last legal position works
            b.forward(ForwardBatch.of(1, 3, new int[]{1, 2, 3}, new int[]{0, 1, max - 1}, null, new int[]{2}));
        }
    }

    @Test
    public void rule_B9_batchTooLargeIsTypedError() {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            int n = b.capabilities().maxBatch() + 1;
            if ((long) n > 1_000_000) {
                return;
            }
            assertThrows(InvalidRequestException.class, () -> b.forward(ForwardBatch.of(n, 1, new int[n], new int[n], null, new int[]{0})), "[B9]");
        }
    }

    @Test
    public void rule_B10_missingOrMisshapenTensorIsCheckpointError() {
        try (var f = CheckpointFixtures.open(shape().build())) {
            String victim = f.model().tensors().name(TensorRole.UP, 1);
            CheckpointException missing = assertThrows(CheckpointException.class,
                    () -> provider().open(f.model(), new Tampered(f.checkpoint(), victim, false), options()).close(), "[B10] missing");
            assertTrue(missing.getMessage().contains(victim), "[B10] must name the tensor: " + missing.getMessage());
            CheckpointException shape = assertThrows(CheckpointException.class,
                    () -> provider().open(f.model(), new Tampered(f.checkpoint(), victim, true), options()).close(), "[B10] shape");
            assertTrue(shape.getMessage().contains(victim), "[B10] must name the tensor: " + shape.getMessage());
        }
    }

    @Test
    public void rule_B11_closesCleanly() {
        try (var f = CheckpointFixtures.open(shape().build())) {
            for (int i = 0; i < 3; i++) {
                Backend b = open(f);
                b.forward(ForwardBatch.single(new int[]{1, 2, 3}, new int[]{1}));
                b.close();
            }
            Set<Thread> before = new HashSet<>(Thread.getAllStackTraces().keySet());
            Backend b = open(f);
            b.forward(ForwardBatch.single(new int[]{1, 2, 3}, new int[]{1}));
            b.close();
            long deadline = System.currentTimeMillis() + 5000;
            List<Thread> leaked;
            do {
                leaked = new ArrayList<>();
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (!before.contains(t) && t.isAlive() && !t.getName().startsWith("ForkJoinPool.commonPool")) {
                        leaked.add(t);
                    }
                }
                if (!leaked.isEmpty()) {
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            } while (!leaked.isEmpty() && System.currentTimeMillis() < deadline);
            assertTrue(leaked.isEmpty(), "[B11] threads still alive after close: " + leaked);
        }
    }

    /** Two rows of 12 slots, the second left-padded by 3, every slot's logits wanted. */
    private static ForwardBatch cacheCanvas(int vocab, long seed) {
        return leftPadded(new int[][]{tokens(12, vocab, seed), tokens(9, vocab, seed + 1)}, 0);
    }

    /** {@code base} with different tokens in slots [from, to) of every row (visibility and positions kept). */
    private static ForwardBatch changed(ForwardBatch base, int from, int to, int vocab, long seed, int[] rows) {
        int n = base.batch(), len = base.length();
        int[] tok = new int[n * len], pos = new int[n * len];
        boolean[] vis = new boolean[n * len];
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < len; j++) {
                int slot = b * len + j;
                tok[slot] = j >= from && j < to ? r.nextInt(vocab) : base.token(b, j);
                pos[slot] = base.position(b, j);
                vis[slot] = base.isVisible(b, j);
            }
        }
        return ForwardBatch.of(n, len, tok, pos, vis, rows);
    }

    private static int[] windowRows(int batch, int len, int from, int to) {
        int[] rows = new int[batch * (to - from)];
        for (int b = 0, i = 0; b < batch; b++) {
            for (int j = from; j < to; j++) {
                rows[i++] = b * len + j;
            }
        }
        return rows;
    }

    @Test
    public void rule_B12_cacheCapabilityIsHonest() {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            if (!b.capabilities().kvCache()) {
                assertThrows(UnsupportedFeatureException.class, () -> b.openCache(1, 8),
                        "[B12] a backend declaring kvCache=false must throw UnsupportedFeatureException from openCache");
                return;
            }
            try (KvCache c = b.openCache(2, 12)) {
                assertNotNull(c, "[B12] openCache returned null");
            }
        }
    }

    @Test
    public void rule_B13_freshCacheEqualsFullForward() {
        try (var f = CheckpointFixtures.open(shape().build()); Backend b = open(f)) {
            Assumptions.assumeTrue(b.capabilities().kvCache(), "declares no key/value cache (B12 checks the refusal)");
            int vocab = f.model().spec().vocabSize();
            ForwardBatch a = cacheCanvas(vocab, 21);
            Logits full = b.forward(a);
            try (KvCache c = b.openCache(a.batch(), a.length())) {
                Logits refreshed = c.refresh(a);
                assertEquals(full.rows(), refreshed.rows(), "[B13] refresh row count");
                for (int r = 0; r < full.rows(); r++) {
                    double err = ReferenceDecoder.rowError(refreshed.data(), refreshed.offset(r), toDouble(full.copyRow(r)));
                    assertTrue(err <= batchInvarianceTolerance(), "[B13] refresh row " + r + " differs from forward: " + err);
                }
                // a window over an unchanged canvas sees exactly what a full forward sees; window calls leave the cache alone
                ForwardBatch other = changed(a, 4, 8, vocab, 5, windowRows(2, 12, 4, 8));
                c.window(other, 4, 8);
                for (int[] w : new int[][]{{4, 8}, {4, 12}, {0, 12}, {11, 12}}) {
                    int[] rows = windowRows(2, 12, w[0], w[1]);
                    ForwardBatch same = ForwardBatch.of(2, 12, tokensOf(a), positionsOf(a), visibleOf(a), rows);
                    Logits win = c.window(same, w[0], w[1]);
                    assertEquals(rows.length, win.rows(), "[B13] window row count");
                    for (int r = 0; r < rows.length; r++) {
                        double err = ReferenceDecoder.rowError(win.data(), win.offset(r), toDouble(full.copyRow(rows[r])));
                        assertTrue(err <= batchInvarianceTolerance(), "[B13] window " + w[0] + ".." + w[1] + " row " + rows[r]
                                + " differs from the full forward of the cached canvas: " + err);
                    }
                }
            }
        }
    }

    @Test
    public void rule_B14_staleCacheMatchesReference() {
        for (DType dt : dtypes()) {
            try (var f = CheckpointFixtures.open(shape().dtype(dt).build()); Backend b = open(f)) {
                Assumptions.assumeTrue(b.capabilities().kvCache(), "declares no key/value cache (B12 checks the refusal)");
                int vocab = f.model().spec().vocabSize();
                ReferenceDecoder ref = new ReferenceDecoder(f.model(), f.checkpoint());
                ForwardBatch a = cacheCanvas(vocab, 31);
                // dual (block [5, 9) rewritten) and prefix (everything from 5 on rewritten)
                for (int[] w : new int[][]{{5, 9}, {5, 12}}) {
                    int[] rows = windowRows(2, 12, w[0], w[1]);
                    ForwardBatch bb = changed(a, w[0], w[1], vocab, 77 + w[1], rows);
                    try (KvCache c = b.openCache(2, 12)) {
                        c.refresh(a);
                        Logits win = c.window(bb, w[0], w[1]);
                        double[][] expected = ref.window(a, bb, w[0], w[1]);
                        assertClose(expected, win, logitTolerance(dt), "[B14] " + dt + " window " + w[0] + ".." + w[1]);
                        // the approximation is real: a fresh full forward of the new canvas differs
                        Logits fresh = b.forward(bb);
                        double most = 0;
                        for (int r = 0; r < rows.length; r++) {
                            most = Math.max(most, ReferenceDecoder.rowError(fresh.data(), fresh.offset(r), expected[r]));
                        }
                        assertTrue(most > 10 * logitTolerance(dt), "[B14] stale and fresh keys should give different logits");
                    }
                }
            }
        }
    }

    private static int[] tokensOf(ForwardBatch fb) {
        int[] t = new int[fb.batch() * fb.length()];
        for (int i = 0; i < t.length; i++) {
            t[i] = fb.token(i / fb.length(), i % fb.length());
        }
        return t;
    }

    private static int[] positionsOf(ForwardBatch fb) {
        int[] t = new int[fb.batch() * fb.length()];
        for (int i = 0; i < t.length; i++) {
            t[i] = fb.position(i / fb.length(), i % fb.length());
        }
        return t;
    }

    private static boolean[] visibleOf(ForwardBatch fb) {
        boolean[] t = new boolean[fb.batch() * fb.length()];
        for (int i = 0; i < t.length; i++) {
            t[i] = fb.isVisible(i / fb.length(), i % fb.length());
        }
        return t;
    }

    /** Hides one tensor, or reports it with a wrong shape. */
    private record Tampered(Checkpoint inner, String victim, boolean reshape) implements Checkpoint {
        @Override
        public Path directory() {
            return inner.directory();
        }

        @Override
        public JsonConfig config() {
            return inner.config();
        }

        @Override
        public Optional<JsonConfig> json(String fileName) {
            return inner.json(fileName);
        }

        @Override
        public Set<String> tensorNames() {
            Set<String> s = new HashSet<>(inner.tensorNames());
            if (!reshape) {
                s.remove(victim);
            }
            return s;
        }

        @Override
        public TensorView tensor(String name) {
            if (name.equals(victim)) {
                if (!reshape) {
                    throw new CheckpointException(directory(), name, "tensor is missing");
                }
                TensorView t = inner.tensor(name);
                return new TensorView() {
                    public String name() { return t.name(); }
                    public DType dtype() { return t.dtype(); }
                    public long[] shape() { long[] s = t.shape(); s[0] -= 1; return s; }
                    public Path file() { return t.file(); }
                    public MemorySegment data() { return t.data(); }
                };
            }
            return inner.tensor(name);
        }

        @Override
        public void close() {
            // the fixture closes the real checkpoint
        }
    }
}
