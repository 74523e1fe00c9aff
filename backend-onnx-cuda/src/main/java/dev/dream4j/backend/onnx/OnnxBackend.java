package dev.dream4j.backend.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.dream4j.api.BackendException;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.backend.onnx.graph.DecoderGraph;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session over the decoder graph of {@link DecoderGraph}, weights converted to fp32 and handed over with
 * {@code SessionOptions.addExternalInitializers} (no weight file is written). Every forward uses a zero-length past;
 * {@link #openCache} gives an {@link OnnxKvCache}, which feeds cached post-RoPE keys and values as the past.
 */
final class OnnxBackend implements Backend {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxBackend.class);

    /** The largest batch one forward accepts. */
    static final int MAX_BATCH = 256;

    private final ModelDescription model;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final OrtSession.SessionOptions sessionOptions;
    private final List<OnnxTensor> weights;
    private final DecoderGraph.Options graphOptions;
    private final OnnxDevice.Resolved device;
    private final Set<String> wantedOutputs = Set.of(DecoderGraph.LOGITS);
    private final Set<String> allOutputs;
    private volatile boolean closed;

    private OnnxBackend(ModelDescription model, OrtEnvironment env, OrtSession session, OrtSession.SessionOptions sessionOptions,
                        List<OnnxTensor> weights, DecoderGraph.Options graphOptions, OnnxDevice.Resolved device) {
        this.model = model;
        this.env = env;
        this.session = session;
        this.sessionOptions = sessionOptions;
        this.weights = weights;
        this.graphOptions = graphOptions;
        this.device = device;
        Set<String> all = new java.util.HashSet<>(wantedOutputs);
        for (int l = 0; l < model.spec().numLayers(); l++) {
            all.add(DecoderGraph.presentKey(l));
            all.add(DecoderGraph.presentValue(l));
        }
        this.allOutputs = Set.copyOf(all);
    }

    static OnnxBackend open(ModelDescription model, Checkpoint checkpoint, BackendOptions options) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        DecoderGraph.Options graphOptions = embedding(graphOptions(model, options), model, checkpoint);
        List<OnnxTensor> tensors = new ArrayList<>();
        OrtSession.SessionOptions so = null;
        Path tmp = null;
        long t0 = System.nanoTime();
        try {
            Map<String, OnnxTensorLike> initializers = new LinkedHashMap<>();
            WeightData data = new WeightData(checkpoint);
            for (DecoderGraph.Weight w : DecoderGraph.weights(model, graphOptions)) {
                ByteBuffer bytes = data.direct(w);
                OnnxTensor t = switch (w.kind()) {
                    case INT4 -> OnnxTensor.createTensor(env, bytes, w.shape(), OnnxJavaType.UINT8);
                    case BF16 -> OnnxTensor.createTensor(env, bytes, w.shape(), OnnxJavaType.BFLOAT16);
                    case F16 -> OnnxTensor.createTensor(env, bytes, w.shape(), OnnxJavaType.FLOAT16);
                    case FP32, INT4_SCALES -> OnnxTensor.createTensor(env, bytes.asFloatBuffer(), w.shape());
                };
                tensors.add(t);
                initializers.put(w.name(), t);
            }
            byte[] proto = DecoderGraph.build(model, graphOptions, w -> new DecoderGraph.External("dream4j-supplied-at-load.bin", 0));
            OnnxDevice.Resolved device = OnnxDevice.resolve(options.device().orElse("cpu"));
            so = OnnxSessions.options(options, device);
            so.addExternalInitializers(initializers);
            // from a file path: ORT resolves external-data declarations relative to the model's directory
            tmp = Files.createTempDirectory("dream4j-onnx-");
            Path file = tmp.resolve("model.onnx");
            Files.write(file, proto);
            long t1 = System.nanoTime();
            OrtSession session = env.createSession(file.toString(), so);
            LOG.debug("ONNX Runtime session for {} layers on {}: weights and graph {} ms, session {} ms ({} bytes of graph)",
                    model.spec().numLayers(), device, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000, proto.length);
            return new OnnxBackend(model, env, session, so, List.copyOf(tensors), graphOptions, device);
        } catch (OrtException e) {
            closeAll(tensors, so);
            throw new BackendException("ONNX Runtime could not create a session: " + e.getMessage(), e);
        } catch (IOException e) {
            closeAll(tensors, so);
            throw new BackendException("could not write the temporary ONNX model: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeAll(tensors, so);
            throw e;
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** {@code BackendOptions.properties()} key: {@code fp32} (default) or {@code int4} (MatMulNBits projections). */
    static final String WEIGHTS = "onnx.weights";
    /** {@code BackendOptions.properties()} key: the int4 block size, a power of two >= 16 (default 32). */
    static final String INT4_BLOCK = "onnx.int4.block_size";

    static DecoderGraph.Options graphOptions(ModelDescription model, BackendOptions options) {
        DecoderGraph.Options o = DecoderGraph.Options.defaults(model);
        String weights = options.properties().getOrDefault(WEIGHTS, "fp32").trim().toLowerCase(java.util.Locale.ROOT);
        return switch (weights) {
            case "fp32" -> o;
            case "int4" -> {
                String block = options.properties().getOrDefault(INT4_BLOCK, "32");
                try {
                    yield o.withInt4(Integer.parseInt(block.trim()));
                } catch (IllegalArgumentException e) {
                    throw new BackendException("bad " + INT4_BLOCK + " '" + block + "': a power of two >= 16 is needed", e);
                }
            }
            default -> throw new BackendException("unknown " + WEIGHTS + " '" + weights + "': use fp32 or int4");
        };
    }

    /**
     * Keeps a bf16/fp16 embedding table in its own dtype when fp32 would not fit one direct buffer, or when the
     * projections are int4 anyway (it halves the largest tensor); a tied fp32 LM head needs the fp32 table.
     */
    static DecoderGraph.Options embedding(DecoderGraph.Options o, ModelDescription model, Checkpoint checkpoint) {
        String embed = model.tensors().name(dev.dream4j.spi.model.TensorRole.EMBEDDING);
        boolean tied = model.tensors().tiedEmbeddings();
        if (tied && !o.int4()) {
            return o;
        }
        DType source = checkpoint.tensor(embed).dtype();
        long fp32Bytes = (long) model.spec().embeddingRows() * model.spec().hiddenSize() * 4;
        if (source == DType.F32 || (!o.int4() && fp32Bytes <= Integer.MAX_VALUE)) {
            return o;
        }
        return o.withEmbedding(source == DType.BF16 ? DecoderGraph.Kind.BF16 : DecoderGraph.Kind.F16);
    }

    /** Where the session runs. */
    OnnxDevice.Resolved device() {
        return device;
    }

    @Override
    public ModelDescription model() {
        return model;
    }

    @Override
    public BackendCapabilities capabilities() {
        return new BackendCapabilities(MAX_BATCH, true, true, Set.of(DType.BF16, DType.F16, DType.F32));
    }

    @Override
    public Logits forward(ForwardBatch batch) {
        checkOpen();
        validate(batch);
        int rows = batch.rowCount();
        if (rows == 0) {
            return new Logits(0, model.spec().vocabSize(), new float[0]);
        }
        return run(batch.batch(), batch.length(), slots(batch, 0, batch.length()), mask(batch), requestedRows(batch), 0, null, null, null);
    }

    @Override
    public KvCache openCache(int batch, int length) {
        checkOpen();
        return new OnnxKvCache(this, batch, length);
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("backend is closed");
        }
    }

    /** Receives the {@code present.*} outputs of one run, per layer ({@code [batch, kv_heads, total, head_dim]}). */
    interface PresentSink {
        void accept(int layer, FloatBuffer key, FloatBuffer value);
    }

    /** Input ids and positions of slots {@code [from, to)} of every row, {@code [batch, to - from]} row-major. */
    static long[][] slots(ForwardBatch batch, int from, int to) {
        int b = batch.batch();
        int w = to - from;
        long[] ids = new long[b * w];
        long[] pos = new long[b * w];
        int at = 0;
        for (int i = 0; i < b; i++) {
            for (int j = from; j < to; j++) {
                ids[at] = batch.token(i, j);
                pos[at++] = batch.position(i, j);
            }
        }
        return new long[][]{ids, pos};
    }

    private static long[] requestedRows(ForwardBatch batch) {
        long[] index = new long[batch.rowCount()];
        for (int r = 0; r < index.length; r++) {
            index[r] = batch.row(r);
        }
        return index;
    }

    /**
     * One session run over {@code seq} fed slots per row, after {@code past} cached keys.
     *
     * @param slots       input ids and positions from {@link #slots}
     * @param mask        bool {@code [batch, 1, seq, past + seq]}, direct
     * @param index       flat fed slots ({@code b * seq + j}) whose logits are wanted; not empty
     * @param pastKeys    per layer fp32 {@code [batch, kv_heads, past, head_dim]}, or null for a zero-length past
     * @param pastValues  as {@code pastKeys}
     * @param presents    receives {@code present.*} when not null (they are only fetched then)
     */
    Logits run(int b, int seq, long[][] slots, ByteBuffer mask, long[] index, int past, FloatBuffer[] pastKeys,
               FloatBuffer[] pastValues, PresentSink presents) {
        ModelSpec s = model.spec();
        long[] shape2 = {b, seq};
        long[] pastShape = {b, s.numKvHeads(), past, s.headDim()};
        List<OnnxTensor> inputs = new ArrayList<>();
        try {
            Map<String, OnnxTensor> feed = new HashMap<>();
            feed.put(DecoderGraph.INPUT_IDS, track(inputs, OnnxTensor.createTensor(env, LongBuffer.wrap(slots[0]), shape2)));
            feed.put(DecoderGraph.POSITION_IDS, track(inputs, OnnxTensor.createTensor(env, LongBuffer.wrap(slots[1]), shape2)));
            feed.put(DecoderGraph.LOGITS_INDEX, track(inputs, OnnxTensor.createTensor(env, LongBuffer.wrap(index), new long[]{index.length})));
            feed.put(DecoderGraph.ATTN_MASK, track(inputs, OnnxTensor.createTensor(env, mask, new long[]{b, 1, seq, past + seq}, OnnxJavaType.BOOL)));
            OnnxTensor emptyPast = pastKeys == null ? track(inputs, OnnxTensor.createTensor(env, FloatBuffer.allocate(0), pastShape)) : null;
            for (int l = 0; l < s.numLayers(); l++) {
                feed.put(DecoderGraph.pastKey(l), emptyPast != null ? emptyPast : track(inputs, OnnxTensor.createTensor(env, pastKeys[l], pastShape)));
                feed.put(DecoderGraph.pastValue(l), emptyPast != null ? emptyPast : track(inputs, OnnxTensor.createTensor(env, pastValues[l], pastShape)));
            }
            try (OrtSession.Result result = session.run(feed, presents == null ? wantedOutputs : allOutputs)) {
                OnnxTensor logits = (OnnxTensor) result.get(DecoderGraph.LOGITS).orElseThrow();
                Logits out = Logits.allocate(index.length, s.vocabSize());
                logits.getFloatBuffer().get(out.data());
                if (presents != null) {
                    for (int l = 0; l < s.numLayers(); l++) {
                        OnnxTensor k = (OnnxTensor) result.get(DecoderGraph.presentKey(l)).orElseThrow();
                        OnnxTensor v = (OnnxTensor) result.get(DecoderGraph.presentValue(l)).orElseThrow();
                        presents.accept(l, k.getFloatBuffer(), v.getFloatBuffer());
                    }
                }
                return out;
            }
        } catch (OrtException e) {
            throw new BackendException("ONNX Runtime forward failed: " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : inputs) {
                t.close();
            }
        }
    }

    /**
     * The pairwise mask {@code allowed[i][j] = visible[i] && visible[j]} ({@code dream-semantics.md} §1). A hidden
     * query's row is all false; the graph turns its attention output into zero.
     */
    static ByteBuffer mask(ForwardBatch batch) {
        int b = batch.batch();
        int len = batch.length();
        ByteBuffer m = ByteBuffer.allocateDirect(b * len * len).order(ByteOrder.nativeOrder());
        if (!batch.hasMask()) {
            for (int i = 0; i < b * len * len; i++) {
                m.put(i, (byte) 1);
            }
            return m;
        }
        int at = 0;
        for (int r = 0; r < b; r++) {
            for (int i = 0; i < len; i++) {
                boolean qi = batch.isVisible(r, i);
                for (int j = 0; j < len; j++) {
                    boolean allowed = qi && batch.isVisible(r, j);
                    m.put(at++, (byte) (allowed ? 1 : 0));
                }
            }
        }
        return m;
    }

    void validate(ForwardBatch batch) {
        if (batch.batch() > MAX_BATCH) {
            throw new InvalidRequestException("batch", "batch " + batch.batch() + " exceeds this backend's maximum of " + MAX_BATCH);
        }
        int vocab = model.spec().embeddingRows();
        int maxPos = graphOptions.ropeRows();
        for (int r = 0; r < batch.batch(); r++) {
            for (int j = 0; j < batch.length(); j++) {
                int t = batch.token(r, j);
                if (t < 0 || t >= vocab) {
                    throw new InvalidRequestException("input_ids", "token id " + t + " at row " + r + ", slot " + j
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
                int p = batch.position(r, j);
                if (p >= maxPos) {
                    throw new InvalidRequestException("position_ids", "position " + p + " at row " + r + ", slot " + j
                            + " is beyond the largest supported position " + (maxPos - 1));
                }
            }
        }
        long maskBytes = (long) batch.batch() * batch.length() * batch.length();
        if (maskBytes > Integer.MAX_VALUE) {
            throw new InvalidRequestException("batch", "batch " + batch.batch() + " x length " + batch.length()
                    + " needs an attention mask larger than 2 GB; use smaller batches");
        }
    }

    private static OnnxTensor track(List<OnnxTensor> list, OnnxTensor t) {
        list.add(t);
        return t;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing the ONNX Runtime session failed: {}", e.getMessage());
        }
        closeAll(weights, sessionOptions);
    }

    private static void closeAll(List<OnnxTensor> tensors, OrtSession.SessionOptions so) {
        for (OnnxTensor t : tensors) {
            t.close();
        }
        if (so != null) {
            so.close();
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", dir, e.getMessage());
        }
    }
}
