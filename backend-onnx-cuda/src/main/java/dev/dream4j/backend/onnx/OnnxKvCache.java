package dev.dream4j.backend.onnx;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.KvCache;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.ModelSpec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The onnx backend's key/value cache ({@code onnx-graph.md} §8): the same graph, fed differently.
 *
 * <ul>
 *   <li>{@link #refresh}: a full forward with a zero-length past; {@code present.{i}.key/value}
 *       ({@code [batch, kv_heads, length, head_dim]}, keys after RoPE) are copied into the cache, one segment per
 *       layer and kind.</li>
 *   <li>{@link #window}: only the window's slots are fed ({@code input_ids}/{@code position_ids}
 *       {@code [batch, to - from]}); the past is the cached keys and values of slots {@code [0, from)} followed by
 *       {@code [to, length)} (key order does not matter in bidirectional attention once keys carry their position);
 *       {@code attn_mask [batch, 1, to - from, past + to - from]} follows the same key order (past first, then the
 *       window, as Attention-23 appends the fresh keys) and allows a pair iff both slots are visible in the batch.</li>
 * </ul>
 *
 * <p>Cache and past buffers live in a shared {@link Arena}: {@link #close} frees them at once (a {@link Cleaner}
 * frees them if a cache is dropped unclosed). The past buffers are handed to ONNX Runtime as direct buffers, so it
 * reads them in place. Not thread-safe.
 */
final class OnnxKvCache implements KvCache {
    private static final Cleaner CLEANER = Cleaner.create();

    private final OnnxBackend backend;
    private final int batch;
    private final int length;
    private final int layers;
    private final int kvHeads;
    private final int headDim;
    private final Arena arena;
    private final Cleaner.Cleanable cleanable;
    /** Per layer {@code [batch, kv_heads, length, head_dim]} fp32, native order. */
    private final MemorySegment[] keys;
    private final MemorySegment[] values;
    /** Per layer scratch for the past of a window, {@code [batch, kv_heads, <= length - 1, head_dim]}; lazy. */
    private MemorySegment[] pastKeys;
    private MemorySegment[] pastValues;
    private long bytes;
    private boolean filled;
    private boolean closed;

    OnnxKvCache(OnnxBackend backend, int batch, int length) {
        if (batch < 1 || batch > OnnxBackend.MAX_BATCH) {
            throw new InvalidRequestException("batch", "a cache batch must be in [1, " + OnnxBackend.MAX_BATCH + "], got " + batch);
        }
        if (length < 1) {
            throw new InvalidRequestException("length", "a cache length must be >= 1, got " + length);
        }
        ModelSpec s = backend.model().spec();
        this.backend = backend;
        this.batch = batch;
        this.length = length;
        this.layers = s.numLayers();
        this.kvHeads = s.numKvHeads();
        this.headDim = s.headDim();
        long perLayer = layerBytes(length);
        if (perLayer > Integer.MAX_VALUE) {
            throw new InvalidRequestException("length", "a cache of " + batch + " x " + length + " slots needs "
                    + perLayer + " bytes per layer, more than one buffer holds; use smaller batches");
        }
        Arena a = Arena.ofShared();
        this.arena = a;
        this.cleanable = CLEANER.register(this, a::close);
        this.keys = new MemorySegment[layers];
        this.values = new MemorySegment[layers];
        try {
            for (int l = 0; l < layers; l++) {
                keys[l] = allocate(perLayer);
                values[l] = allocate(perLayer);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            cleanable.clean();
            throw e;
        }
    }

    private long layerBytes(int slots) {
        return (long) batch * kvHeads * slots * headDim * Float.BYTES;
    }

    private MemorySegment allocate(long size) {
        MemorySegment m = arena.allocate(Math.max(size, 1), 64);
        bytes += size;
        return m;
    }

    /** Native bytes held (cache and past scratch); 0 once closed. */
    long nativeBytes() {
        return closed ? 0 : bytes;
    }

    @Override
    public Logits refresh(ForwardBatch fb) {
        check(fb);
        backend.validate(fb);
        int rows = fb.rowCount();
        long[] index = new long[Math.max(rows, 1)]; // no rows: still run, for the keys; ask for slot 0 and drop it
        for (int r = 0; r < rows; r++) {
            index[r] = fb.row(r);
        }
        long expected = layerBytes(length) / Float.BYTES;
        Logits out = backend.run(batch, length, OnnxBackend.slots(fb, 0, length), OnnxBackend.mask(fb), index, 0, null, null,
                (l, k, v) -> {
                    store(keys[l], k, expected);
                    store(values[l], v, expected);
                });
        filled = true;
        return rows == 0 ? new Logits(0, out.vocab(), new float[0]) : out;
    }

    private static void store(MemorySegment dst, FloatBuffer src, long expected) {
        if (src.remaining() != expected) {
            throw new IllegalStateException("present tensor has " + src.remaining() + " floats, expected " + expected);
        }
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, dst, 0, expected * Float.BYTES);
    }

    @Override
    public Logits window(ForwardBatch fb, int from, int to) {
        check(fb);
        if (!filled) {
            throw new IllegalStateException("the cache is empty: call refresh before window");
        }
        if (from < 0 || to > length || from >= to) {
            throw new InvalidRequestException("window", "window [" + from + ", " + to + ") is not a non-empty range of [0, " + length + ")");
        }
        int w = to - from;
        long[] index = new long[fb.rowCount()];
        for (int r = 0; r < index.length; r++) {
            int slot = fb.row(r);
            int b = slot / length;
            int j = slot % length;
            if (j < from || j >= to) {
                throw new InvalidRequestException("rows", "row " + slot + " (slot " + j + " of row " + b + ") is outside the window ["
                        + from + ", " + to + ")");
            }
            index[r] = (long) b * w + (j - from);
        }
        backend.validate(fb);
        if (index.length == 0) {
            return new Logits(0, backend.model().spec().vocabSize(), new float[0]);
        }
        int past = length - w;
        FloatBuffer[] pk = null;
        FloatBuffer[] pv = null;
        if (past > 0) {
            if (pastKeys == null) {
                pastKeys = new MemorySegment[layers];
                pastValues = new MemorySegment[layers];
                for (int l = 0; l < layers; l++) {
                    pastKeys[l] = allocate(layerBytes(length - 1));
                    pastValues[l] = allocate(layerBytes(length - 1));
                }
            }
            pk = new FloatBuffer[layers];
            pv = new FloatBuffer[layers];
            for (int l = 0; l < layers; l++) {
                pk[l] = gather(keys[l], pastKeys[l], from, to, past);
                pv[l] = gather(values[l], pastValues[l], from, to, past);
            }
        }
        return backend.run(batch, w, OnnxBackend.slots(fb, from, to), windowMask(fb, from, to), index, past, pk, pv, null);
    }

    /** Copies slots {@code [0, from)} then {@code [to, length)} of every (row, head) of {@code cache} into {@code scratch}. */
    private FloatBuffer gather(MemorySegment cache, MemorySegment scratch, int from, int to, int past) {
        long slot = (long) headDim * Float.BYTES;
        long at = 0;
        for (int bh = 0; bh < batch * kvHeads; bh++) {
            long base = (long) bh * length * slot;
            if (from > 0) {
                MemorySegment.copy(cache, base, scratch, at, from * slot);
                at += from * slot;
            }
            if (to < length) {
                MemorySegment.copy(cache, base + to * slot, scratch, at, (length - to) * slot);
                at += (length - to) * slot;
            }
        }
        return scratch.asSlice(0, layerBytes(past)).asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * bool {@code [batch, 1, w, past + w]}: keys are the past (slots {@code [0, from)}, then {@code [to, length)}),
     * then the window; a pair is allowed iff query and key slot are both visible.
     */
    private ByteBuffer windowMask(ForwardBatch fb, int from, int to) {
        int w = to - from;
        int total = length;
        long size = (long) batch * w * total;
        if (size > Integer.MAX_VALUE) {
            throw new InvalidRequestException("batch", "batch " + batch + " x window " + w + " x length " + length
                    + " needs an attention mask larger than 2 GB; use smaller batches");
        }
        ByteBuffer m = ByteBuffer.allocateDirect((int) size).order(ByteOrder.nativeOrder());
        byte[] keyRow = new byte[total];
        int at = 0;
        for (int b = 0; b < batch; b++) {
            int k = 0;
            for (int j = 0; j < from; j++) {
                keyRow[k++] = (byte) (fb.isVisible(b, j) ? 1 : 0);
            }
            for (int j = to; j < length; j++) {
                keyRow[k++] = (byte) (fb.isVisible(b, j) ? 1 : 0);
            }
            for (int j = from; j < to; j++) {
                keyRow[k++] = (byte) (fb.isVisible(b, j) ? 1 : 0);
            }
            for (int i = from; i < to; i++) {
                if (fb.isVisible(b, i)) {
                    m.put(at, keyRow);
                }
                at += total; // a hidden query's row stays all false (allocateDirect zeroes)
            }
        }
        return m;
    }

    private void check(ForwardBatch fb) {
        if (closed) {
            throw new IllegalStateException("the cache is closed");
        }
        backend.checkOpen();
        if (fb.batch() != batch || fb.length() != length) {
            throw new InvalidRequestException("batch", "this cache holds " + batch + " x " + length + " slots, the batch is "
                    + fb.batch() + " x " + fb.length());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        pastKeys = null;
        pastValues = null;
        cleanable.clean();
    }
}
