package dev.dream4j.backend.cpu;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendCapabilities;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.KvCache;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.TensorView;
import dev.dream4j.spi.model.DecoderRecipe;
import dev.dream4j.spi.model.TensorMap;
import dev.dream4j.spi.model.TensorRole;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A bidirectional decoder's forward pass on the CPU, built from the family's {@link DecoderRecipe} and
 * {@link TensorMap} (semantics: {@code dream-semantics.md} §1; this class holds no family's names or settings).
 *
 * <p><b>Thread-safety:</b> {@link #forward} may be called from several threads at once
 * ({@code concurrentForward = true}): every call takes its own activation buffers (a spare set left by an earlier
 * call, or new ones) and scratch; the weights are
 * read-only and the worker pool is shared (calls then share the cores). {@link #close()} must not overlap a forward.
 *
 * <p><b>Determinism:</b> repeated calls give bit-identical logits, for any thread count: every output element is
 * computed by one thread with a fixed operation order, independent of how work is split.
 *
 * <p><b>Key/value cache</b> ({@code kvCache = true}, {@link #openCache}): a refresh is the plain forward that also keeps
 * every layer's post-RoPE keys and values; a window runs the same code over the window's slots only, gathering keys and
 * values in slot order from the fresh window or the cache. Since every GEMM element depends only on its own input row,
 * a window over an unchanged canvas reproduces the full forward's logits bit for bit (conformance rule B13). See
 * {@code FAST-DECODING.md}.
 */
final class JavaCpuBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(JavaCpuBackend.class);
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int VL = F.length();

    /** The largest batch one forward accepts. */
    static final int MAX_BATCH = 256;

    private final ModelDescription model;
    private final ModelSpec spec;
    private final DecoderRecipe recipe;
    private final BackendCapabilities capabilities;
    private final Parallel pool;
    private final Layer[] layers;
    private final TensorView embed;
    private final float[] finalNorm;
    private final MatrixSource lmHead;
    private final float[] invFreq;
    private volatile boolean closed;
    /** Activation buffers of finished forwards, reused by the next ones (at most {@link #SPARE_WORKSPACES} kept). */
    private final java.util.concurrent.ConcurrentLinkedDeque<Workspace> spare = new java.util.concurrent.ConcurrentLinkedDeque<>();
    private static final int SPARE_WORKSPACES = 2;
    /** Largest workspace (floats, all buffers together) kept for reuse; bigger ones are left to the GC. */
    private static final long KEEP_WORKSPACE = 64L << 20;

    /**
     * A forward's activation buffers, grown on demand. Reuse needs no clearing: every buffer is fully written for the
     * rows in use before it is read ({@code att} is cleared by {@link #attention}).
     */
    private static final class Workspace {
        float[] x = new float[0];
        float[] xn = new float[0];
        float[] qkv = new float[0];
        float[] att = new float[0];
        float[] proj = new float[0];
        float[] gu = new float[0];
        float[] act = new float[0];

        private static float[] fit(float[] have, int need) {
            return have.length >= need ? have : new float[need];
        }

        long size() {
            return (long) x.length + xn.length + qkv.length + att.length + proj.length + gu.length + act.length;
        }
    }

    /** One layer's weights; optional parts of the recipe are null when off. */
    private record Layer(float[] inNorm, float[] postNorm, MatrixSource qkv, float[] qkvBias, float[] qNorm, float[] kNorm,
                         MatrixSource o, float[] oBias, MatrixSource gateUp, MatrixSource down) {
    }

    JavaCpuBackend(ModelDescription model, Checkpoint cp, BackendOptions options) {
        this.model = model;
        this.spec = model.spec();
        int h = spec.hiddenSize();
        int q = spec.qDim();
        int kv = spec.kvDim();
        int inter = spec.intermediateSize();
        int v = spec.vocabSize();
        this.recipe = model.recipe();
        TensorMap names = model.tensors();
        WeightFormat weights = WeightFormat.parse(options.properties().get(WeightFormat.OPTION));
        int d = spec.headDim();
        this.embed = tensor(cp, names.name(TensorRole.EMBEDDING), spec.embeddingRows(), h);
        this.finalNorm = vector(cp, names.name(TensorRole.FINAL_NORM), h);
        this.lmHead = MatrixSource.load(cp, names.name(TensorRole.LM_HEAD), v, h, weights.forLmHead());
        this.layers = new Layer[spec.numLayers()];
        for (int l = 0; l < layers.length; l++) {
            MatrixSource wq = MatrixSource.load(cp, names.name(TensorRole.Q, l), q, h, weights);
            MatrixSource wk = MatrixSource.load(cp, names.name(TensorRole.K, l), kv, h, weights);
            MatrixSource wv = MatrixSource.load(cp, names.name(TensorRole.V, l), kv, h, weights);
            float[] bias = null;
            if (recipe.qkvBias()) {
                bias = new float[q + 2 * kv];
                System.arraycopy(vector(cp, names.name(TensorRole.Q_BIAS, l), q), 0, bias, 0, q);
                System.arraycopy(vector(cp, names.name(TensorRole.K_BIAS, l), kv), 0, bias, q, kv);
                System.arraycopy(vector(cp, names.name(TensorRole.V_BIAS, l), kv), 0, bias, q + kv, kv);
            }
            layers[l] = new Layer(
                    vector(cp, names.name(TensorRole.ATTENTION_NORM, l), h),
                    vector(cp, names.name(TensorRole.MLP_NORM, l), h),
                    MatrixSource.stack(wq, wk, wv), bias,
                    recipe.qkNorm() ? vector(cp, names.name(TensorRole.Q_NORM, l), d) : null,
                    recipe.qkNorm() ? vector(cp, names.name(TensorRole.K_NORM, l), d) : null,
                    MatrixSource.load(cp, names.name(TensorRole.O, l), h, q, weights),
                    recipe.outputBias() ? vector(cp, names.name(TensorRole.O_BIAS, l), h) : null,
                    MatrixSource.stack(MatrixSource.load(cp, names.name(TensorRole.GATE, l), inter, h, weights),
                            MatrixSource.load(cp, names.name(TensorRole.UP, l), inter, h, weights)),
                    MatrixSource.load(cp, names.name(TensorRole.DOWN, l), h, inter, weights));
        }
        this.invFreq = recipe.rope().inverseFrequencies(d);
        int threads = options.threadsOrAvailable();
        this.pool = new Parallel(threads);
        this.capabilities = new BackendCapabilities(MAX_BATCH, true, true, EnumSet.of(DType.BF16, DType.F16, DType.F32, DType.I8, DType.U8));
        LOG.debug("java-cpu backend opened: {} layers, hidden {}, {} threads, vector species {}", layers.length, h, threads, F);
    }

    private static TensorView tensor(Checkpoint cp, String name, long... shape) {
        if (!cp.hasTensor(name)) {
            throw new CheckpointException(cp.directory(), name, "tensor is missing");
        }
        TensorView t = cp.tensor(name);
        if (!Arrays.equals(t.shape(), shape)) {
            throw new CheckpointException(t.file(), name, "expected shape " + Arrays.toString(shape) + ", got " + Arrays.toString(t.shape()));
        }
        if (!MatrixSource.supported(t.dtype())) {
            throw new CheckpointException(t.file(), name, "unsupported dtype " + t.dtype());
        }
        return t;
    }

    private static float[] vector(Checkpoint cp, String name, int n) {
        TensorView t = tensor(cp, name, n);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = t.getFloat(i);
        }
        return out;
    }

    @Override
    public ModelDescription model() {
        return model;
    }

    @Override
    public BackendCapabilities capabilities() {
        return capabilities;
    }

    @Override
    public Logits forward(ForwardBatch batch) {
        checkOpen();
        validate(batch);
        return run(batch, 0, batch.length(), null, false);
    }

    @Override
    public KvCache openCache(int batch, int length) {
        checkOpen();
        if (batch < 1 || batch > MAX_BATCH) {
            throw new InvalidRequestException("batch", "cache batch must be in [1, " + MAX_BATCH + "], got " + batch);
        }
        if (length < 1) {
            throw new InvalidRequestException("length", "cache length must be >= 1, got " + length);
        }
        return new CpuKvCache(batch, length);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("backend is closed");
        }
    }

    /**
     * Post-RoPE keys and values (bias included) of every slot and layer, {@code [layer][slot * kvDim]}, filled by
     * {@link #refresh}. Window calls read it and leave it unchanged.
     */
    private final class CpuKvCache implements KvCache {
        private final int batch;
        private final int length;
        private float[][] keys;
        private float[][] values;
        private boolean filled;

        CpuKvCache(int batch, int length) {
            this.batch = batch;
            this.length = length;
            long n = (long) batch * length * spec.kvDim();
            if (n > Integer.MAX_VALUE - 16) {
                throw new InvalidRequestException("length", batch + " x " + length + " slots exceed what one java-cpu cache can hold");
            }
            this.keys = new float[layers.length][(int) n];
            this.values = new float[layers.length][(int) n];
        }

        private void check(ForwardBatch fb) {
            checkOpen();
            if (keys == null) {
                throw new IllegalStateException("cache is closed");
            }
            if (fb.batch() != batch || fb.length() != length) {
                throw new InvalidRequestException("batch", "cache was opened for " + batch + " x " + length
                        + " slots, the batch has " + fb.batch() + " x " + fb.length());
            }
            validate(fb);
        }

        @Override
        public Logits refresh(ForwardBatch fb) {
            check(fb);
            Logits out = run(fb, 0, length, this, true);
            filled = true;
            return out;
        }

        @Override
        public Logits window(ForwardBatch fb, int from, int to) {
            check(fb);
            if (!filled) {
                throw new IllegalStateException("window before the first refresh");
            }
            if (from < 0 || to > length || from >= to) {
                throw new InvalidRequestException("window", "window [" + from + ", " + to + ") is not inside [0, " + length + ")");
            }
            for (int r = 0; r < fb.rowCount(); r++) {
                int j = fb.row(r) % length;
                if (j < from || j >= to) {
                    throw new InvalidRequestException("rows", "requested slot " + j + " lies outside the window [" + from + ", " + to + ")");
                }
            }
            return run(fb, from, to, this, false);
        }

        @Override
        public void close() {
            keys = null;
            values = null;
        }
    }

    /**
     * The forward pass over slots {@code [from, to)} of every row. Keys and values of slots outside the window come
     * from {@code cache} (which must then be filled); with {@code store}, the window's keys and values are written
     * into the cache (a refresh: the window is the whole canvas). With the whole canvas and no cache this is the plain
     * forward, operation for operation.
     */
    private Logits run(ForwardBatch batch, int from, int to, CpuKvCache cache, boolean store) {
        final int bsz = batch.batch();
        final int len = batch.length();
        final int w = to - from;
        final int tokens = bsz * w;
        final int h = spec.hiddenSize();
        final int q = spec.qDim();
        final int kv = spec.kvDim();
        final int qkvDim = q + 2 * kv;
        final int inter = spec.intermediateSize();
        final float eps = (float) recipe.normEps();

        Workspace ws = spare.pollFirst();
        if (ws == null) {
            ws = new Workspace();
        }
        ws.x = Workspace.fit(ws.x, tokens * h);
        ws.xn = Workspace.fit(ws.xn, tokens * h);
        ws.qkv = Workspace.fit(ws.qkv, tokens * qkvDim);
        ws.att = Workspace.fit(ws.att, tokens * q);
        ws.proj = Workspace.fit(ws.proj, tokens * h);
        ws.gu = Workspace.fit(ws.gu, tokens * 2 * inter);
        ws.act = Workspace.fit(ws.act, tokens * inter);
        final float[] x = ws.x;
        final float[] xn = ws.xn;
        final float[] qkv = ws.qkv;
        final float[] att = ws.att;
        final float[] proj = ws.proj;
        final float[] gu = ws.gu;
        final float[] act = ws.act;
        MatrixSource emb = MatrixSource.of(embed);
        for (int b = 0; b < bsz; b++) {
            for (int j = from; j < to; j++) {
                emb.readRow(batch.token(b, j), 0, h, x, (b * w + j - from) * h);
            }
        }
        float[][] rope = ropeTables(batch, from, to);
        for (int l = 0; l < layers.length; l++) {
            Layer layer = layers[l];
            rmsNorm(x, xn, tokens, h, layer.inNorm, eps);
            Gemm.gemm(xn, 0, h, tokens, layer.qkv, qkv, 0, qkvDim, pool);
            addBiasNormAndRope(qkv, tokens, layer, eps, rope);
            if (store) {
                float[] ck = cache.keys[l];
                float[] cv = cache.values[l];
                for (int t = 0; t < tokens; t++) {
                    System.arraycopy(qkv, t * qkvDim + q, ck, t * kv, kv);
                    System.arraycopy(qkv, t * qkvDim + q + kv, cv, t * kv, kv);
                }
            }
            boolean stale = cache != null && !store;
            attention(batch, from, to, qkv, att, stale ? cache.keys[l] : null, stale ? cache.values[l] : null);
            Gemm.gemm(att, 0, q, tokens, layer.o, proj, 0, h, pool);
            if (layer.oBias != null) {
                addRowBias(proj, tokens, layer.oBias);
            }
            add(x, proj, tokens * h);
            rmsNorm(x, xn, tokens, h, layer.postNorm, eps);
            Gemm.gemm(xn, 0, h, tokens, layer.gateUp, gu, 0, 2 * inter, pool);
            gatedActivation(gu, act, tokens, inter);
            Gemm.gemm(act, 0, inter, tokens, layer.down, proj, 0, h, pool);
            add(x, proj, tokens * h);
        }
        int rows = batch.rowCount();
        float[] sel = new float[rows * h];
        for (int r = 0; r < rows; r++) {
            int slot = batch.row(r);
            int local = (slot / len) * w + (slot % len) - from;
            System.arraycopy(x, local * h, sel, r * h, h);
        }
        float[] seln = new float[rows * h];
        rmsNorm(sel, seln, rows, h, finalNorm, eps);
        Logits logits = Logits.allocate(rows, spec.vocabSize());
        if (ws.size() <= KEEP_WORKSPACE && spare.size() < SPARE_WORKSPACES) {
            spare.offerFirst(ws);
        }
        Gemm.gemm(seln, 0, h, rows, lmHead, logits.data(), 0, spec.vocabSize(), pool);
        return logits;
    }

    private void validate(ForwardBatch batch) {
        if (batch.batch() > MAX_BATCH) {
            throw new InvalidRequestException("batch", "batch " + batch.batch() + " exceeds the java-cpu maximum of " + MAX_BATCH);
        }
        long tokens = (long) batch.batch() * batch.length();
        long widest = Math.max(2L * spec.intermediateSize(), (long) spec.qDim() + 2L * spec.kvDim());
        if (tokens * widest > Integer.MAX_VALUE - 16) {
            throw new InvalidRequestException("batch", batch.batch() + " x " + batch.length()
                    + " tokens exceed what one java-cpu forward can hold; use a smaller batch");
        }
        int vocab = spec.embeddingRows();
        int maxPos = spec.maxPositionEmbeddings();
        for (int b = 0; b < batch.batch(); b++) {
            for (int j = 0; j < batch.length(); j++) {
                int t = batch.token(b, j);
                if (t < 0 || t >= vocab) {
                    throw new InvalidRequestException("input_ids", "token id " + t + " at slot (batch " + b + ", position " + j
                            + ") is outside the vocabulary [0, " + vocab + ")");
                }
                int p = batch.position(b, j);
                if (p >= maxPos) {
                    throw new InvalidRequestException("position_ids", "position " + p + " at slot (batch " + b + ", position " + j
                            + ") is not below max_position_embeddings " + maxPos);
                }
            }
        }
    }

    /** cos and sin per slot, {@code [tokens][headDim/2]}, in fp32 as the reference computes them. */
    private float[][] ropeTables(ForwardBatch batch, int from, int to) {
        int half = spec.headDim() / 2;
        int w = to - from;
        int tokens = batch.batch() * w;
        float[] cos = new float[tokens * half];
        float[] sin = new float[tokens * half];
        IntConsumer body = t -> {
            int b = t / w;
            float pos = batch.position(b, from + t % w);
            for (int i = 0; i < half; i++) {
                float angle = pos * invFreq[i];
                cos[t * half + i] = (float) StrictMath.cos(angle);
                sin[t * half + i] = (float) StrictMath.sin(angle);
            }
        };
        if (tokens < 64) {
            for (int t = 0; t < tokens; t++) {
                body.accept(t);
            }
        } else {
            pool.forEach(tokens, body);
        }
        return new float[][]{cos, sin};
    }

    /** Per token: the q/k/v biases, the per-head q/k norms, then RoPE on the query and key heads, as the recipe says. */
    private void addBiasNormAndRope(float[] qkv, int tokens, Layer layer, float eps, float[][] rope) {
        int d = spec.headDim();
        int half = d / 2;
        int width = spec.qDim() + 2 * spec.kvDim();
        int heads = spec.numHeads();
        int ropeHeads = heads + spec.numKvHeads();
        boolean interleaved = recipe.rope().style() == DecoderRecipe.RopeStyle.INTERLEAVED;
        float[] bias = layer.qkvBias;
        float[] cos = rope[0];
        float[] sin = rope[1];
        pool.forEach(tokens, t -> {
            int base = t * width;
            if (bias != null) {
                for (int i = 0; i < width; i++) {
                    qkv[base + i] += bias[i];
                }
            }
            int cb = t * half;
            for (int hh = 0; hh < ropeHeads; hh++) {
                int o = base + hh * d;
                if (layer.qNorm != null) {
                    headNorm(qkv, o, d, hh < heads ? layer.qNorm : layer.kNorm, eps);
                }
                for (int i = 0; i < half; i++) {
                    int i1 = interleaved ? o + 2 * i : o + i;
                    int i2 = interleaved ? i1 + 1 : o + half + i;
                    float x1 = qkv[i1];
                    float x2 = qkv[i2];
                    float c = cos[cb + i];
                    float s = sin[cb + i];
                    qkv[i1] = x1 * c - x2 * s;
                    qkv[i2] = x2 * c + x1 * s;
                }
            }
        });
    }

    /** RMS norm of one head in place, statistics as in {@link #rmsNorm}. */
    private static void headNorm(float[] v, int o, int d, float[] w, float eps) {
        double ss = 0;
        for (int i = 0; i < d; i++) {
            ss += (double) v[o + i] * v[o + i];
        }
        float inv = (float) (1.0 / StrictMath.sqrt((float) (ss / d) + eps));
        for (int i = 0; i < d; i++) {
            v[o + i] = w[i] * (v[o + i] * inv);
        }
    }

    private static void addRowBias(float[] y, int rows, float[] bias) {
        int n = bias.length;
        for (int r = 0; r < rows; r++) {
            add(y, r * n, bias, n);
        }
    }

    /**
     * Bidirectional grouped-query attention, per (sequence, KV head): the visible slots are gathered, the group's
     * query heads are stacked into one matrix, and {@code S = Q·K^T}, softmax, {@code O = P·V} run as GEMMs.
     * Hidden slots get a zero output. {@code qkv} and {@code att} hold the window {@code [from, to)} of every row;
     * queries are the window's visible slots; keys and values of visible slots outside the window come from
     * {@code cacheK}/{@code cacheV} ({@code [slot * kvDim]}), which must then be given. Keys are gathered in slot
     * order whatever their source, so a whole-canvas window is the uncached computation.
     */
    private void attention(ForwardBatch batch, int from, int to, float[] qkv, float[] att, float[] cacheK, float[] cacheV) {
        final int len = batch.length();
        final int w = to - from;
        final int d = spec.headDim();
        final int heads = spec.numHeads();
        final int kvHeads = spec.numKvHeads();
        final int group = heads / kvHeads;
        final int q = spec.qDim();
        final int kvDim = spec.kvDim();
        final int width = q + 2 * kvDim;
        final float scale = (float) recipe.attentionScale();
        final int queryBlock = Math.max(1, 1024 / group);
        Arrays.fill(att, 0f);
        Supplier<IntConsumer> worker = () -> task -> {
            int b = task / kvHeads;
            int g = task % kvHeads;
            int[] visQ = new int[w]; // local indices of the window's visible slots
            int nq = 0;
            for (int j = from; j < to; j++) {
                if (batch.isVisible(b, j)) {
                    visQ[nq++] = b * w + j - from;
                }
            }
            if (nq == 0) {
                return;
            }
            int nv = 0;
            for (int j = 0; j < len; j++) {
                if (batch.isVisible(b, j)) {
                    nv++;
                }
            }
            float[] k = new float[nv * d];
            float[] vt = new float[d * nv];
            int kCol = q + g * d;
            int vCol = q + kvDim + g * d;
            int r = 0;
            for (int j = 0; j < len; j++) {
                if (!batch.isVisible(b, j)) {
                    continue;
                }
                float[] ks;
                float[] vs;
                int ko;
                int vo;
                if (j >= from && j < to) {
                    int t = b * w + j - from;
                    ks = qkv;
                    vs = qkv;
                    ko = t * width + kCol;
                    vo = t * width + vCol;
                } else {
                    int slot = b * len + j;
                    ks = cacheK;
                    vs = cacheV;
                    ko = slot * kvDim + g * d;
                    vo = ko;
                }
                System.arraycopy(ks, ko, k, r * d, d);
                for (int e = 0; e < d; e++) {
                    vt[e * nv + r] = vs[vo + e];
                }
                r++;
            }
            int qb = Math.min(nq, queryBlock);
            float[] qs = new float[group * qb * d];
            float[] s = new float[group * qb * nv];
            float[] o = new float[group * qb * d];
            MatrixSource qMat = MatrixSource.ofArray(qs, 0, group * qb, d, d);
            MatrixSource sMat = MatrixSource.ofArray(s, 0, group * qb, nv, nv);
            for (int i0 = 0; i0 < nq; i0 += qb) {
                int ni = Math.min(qb, nq - i0);
                int rowsHere = group * ni;
                for (int hh = 0; hh < group; hh++) {
                    int qCol = (g * group + hh) * d;
                    for (int i = 0; i < ni; i++) {
                        System.arraycopy(qkv, visQ[i0 + i] * width + qCol, qs, (hh * ni + i) * d, d);
                    }
                }
                // S = Q·K^T and O = P·V as transposed products (W = the query rows): the GEMM's natural output layout,
                // same per-element FMA chains (ascending over d, resp. over the visible slots)
                MatrixSource qRows = rowsHere == qMat.rows ? qMat : MatrixSource.ofArray(qs, 0, rowsHere, d, d);
                Gemm.gemmT(k, 0, d, nv, qRows, s, 0, nv, pool);
                for (int rr = 0; rr < rowsHere; rr++) {
                    softmax(s, rr * nv, nv, scale);
                }
                MatrixSource pRows = rowsHere == sMat.rows ? sMat : MatrixSource.ofArray(s, 0, rowsHere, nv, nv);
                Gemm.gemmT(vt, 0, nv, d, pRows, o, 0, d, pool);
                for (int hh = 0; hh < group; hh++) {
                    int qCol = (g * group + hh) * d;
                    for (int i = 0; i < ni; i++) {
                        System.arraycopy(o, (hh * ni + i) * d, att, visQ[i0 + i] * q + qCol, d);
                    }
                }
            }
        };
        pool.forEach(batch.batch() * kvHeads, worker);
    }

    /** In place: {@code p = softmax(scale · s)} over {@code n} entries, vectorised exp. */
    static void softmax(float[] s, int off, int n, float scale) {
        FloatVector vmax = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + VL <= n; i += VL) {
            vmax = vmax.max(FloatVector.fromArray(F, s, off + i));
        }
        float max = vmax.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, s[off + i]);
        }
        float shift = max * scale;
        FloatVector vscale = FloatVector.broadcast(F, scale);
        FloatVector vshift = FloatVector.broadcast(F, shift);
        FloatVector vsum = FloatVector.zero(F);
        for (i = 0; i < n; i += VL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector e = FloatVector.fromArray(F, s, off + i, m).fma(vscale, vshift.neg());
            e = VMath.exp(e);
            e.intoArray(s, off + i, m);
            vsum = vsum.add(e, m);
        }
        float inv = 1.0f / VMath.sum(vsum);
        FloatVector vinv = FloatVector.broadcast(F, inv);
        for (i = 0; i < n; i += VL) {
            VectorMask<Float> m = F.indexInRange(i, n);
            FloatVector.fromArray(F, s, off + i, m).mul(vinv).intoArray(s, off + i, m);
        }
    }

    private void rmsNorm(float[] in, float[] out, int rows, int h, float[] w, float eps) {
        IntConsumer body = r -> {
            int o = r * h;
            double ss = 0; // scalar double: tier-independent
            for (int i = 0; i < h; i++) {
                float v = in[o + i];
                ss += (double) v * v;
            }
            float mean = (float) (ss / h);
            float inv = (float) (1.0 / StrictMath.sqrt(mean + eps));
            for (int i = 0; i < h; i++) {
                out[o + i] = w[i] * (in[o + i] * inv);
            }
        };
        if (rows < 64) {
            for (int r = 0; r < rows; r++) {
                body.accept(r);
            }
        } else {
            pool.forEach(rows, body);
        }
    }

    private static void add(float[] x, float[] y, int n) {
        add(x, 0, y, n);
    }

    /** {@code x[off .. off+n) += y[0 .. n)}. */
    private static void add(float[] x, int off, float[] y, int n) {
        int i = 0;
        for (; i + VL <= n; i += VL) {
            FloatVector.fromArray(F, x, off + i).add(FloatVector.fromArray(F, y, i)).intoArray(x, off + i);
        }
        for (; i < n; i++) {
            x[off + i] += y[i];
        }
    }

    /** {@code act = f(gate) * up}, where each row of {@code gu} is {@code [gate | up]} and f is the recipe's activation. */
    private void gatedActivation(float[] gu, float[] act, int tokens, int inter) {
        boolean gelu = recipe.activation() == DecoderRecipe.Activation.GELU_TANH;
        pool.forEach(tokens, t -> {
            int g0 = t * 2 * inter;
            int u0 = g0 + inter;
            int a0 = t * inter;
            FloatVector one = FloatVector.broadcast(F, 1f);
            for (int i = 0; i < inter; i += VL) {
                VectorMask<Float> m = F.indexInRange(i, inter);
                FloatVector g = FloatVector.fromArray(F, gu, g0 + i, m);
                FloatVector u = FloatVector.fromArray(F, gu, u0 + i, m);
                FloatVector f;
                if (gelu) {
                    // 0.5 g (1 + tanh(z)) = g * sigmoid(2z), z = sqrt(2/pi) (g + 0.044715 g^3)
                    FloatVector z2 = g.mul(g).mul(GELU_C * 0.044715f).add(GELU_C).mul(g).mul(2f);
                    f = g.mul(one.div(one.add(VMath.exp(z2.neg()))));
                } else {
                    f = g.mul(one.div(one.add(VMath.exp(g.neg()))));
                }
                f.mul(u).intoArray(act, a0 + i, m);
            }
        });
    }

    /** {@code sqrt(2 / pi)}. */
    private static final float GELU_C = (float) Math.sqrt(2.0 / Math.PI);

    @Override
    public void close() {
        closed = true;
        pool.close();
    }
}
