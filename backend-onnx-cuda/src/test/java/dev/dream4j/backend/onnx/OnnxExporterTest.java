package dev.dream4j.backend.onnx;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.conformance.ReferenceDecoder;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exports a checkpoint and runs {@code model.onnx} with a bare {@link OrtSession}: no dream4j code between the file
 * and ONNX Runtime. Also checks the KV-cache layout of {@code onnx-graph.md} §8 (dual cache: prefix ++ suffix as
 * past, only the block fed).
 */
class OnnxExporterTest {
    private static final int LEN = 10;

    @TempDir
    static Path out;
    private static CheckpointFixtures.Opened fixture;
    private static OrtEnvironment env;
    private static OrtSession session;

    @BeforeAll
    static void export() throws Exception {
        // bf16 on disk: the export converts to fp32
        fixture = CheckpointFixtures.open(SyntheticCheckpoint.builder().dtype(DType.BF16).seed(3).build());
        Path model = OnnxExporter.export(fixture.directory(), out);
        assertEquals(out.resolve("model.onnx"), model);
        env = OrtEnvironment.getEnvironment();
        session = env.createSession(model.toString(), new OrtSession.SessionOptions());
    }

    @AfterAll
    static void close() throws OrtException {
        if (session != null) {
            session.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void dataFileIsAlignedAndComplete() throws Exception {
        long size = Files.size(out.resolve("model.onnx.data"));
        long expected = 0;
        for (var w : dev.dream4j.backend.onnx.graph.DecoderGraph.weights(fixture.model())) {
            assertEquals(0, expected % 4096, "offset of " + w.name());
            expected = OnnxExporter.align(expected + w.bytes());
        }
        assertTrue(size <= expected && size > expected - 4096, "data file size " + size);
        assertTrue(Files.size(out.resolve("model.onnx")) < size, "weights must live outside model.onnx");
    }

    /** Runs the exported graph with raw ORT; returns logits [rows][vocab] and the presents by name. */
    private static Map<String, float[]> run(long[] ids, long[] pos, boolean[] mask, int past, Map<String, float[]> pastValues,
                                            long[] rows) throws OrtException {
        ModelSpec s = fixture.model().spec();
        int len = ids.length;
        List<OnnxTensor> created = new ArrayList<>();
        try {
            Map<String, OnnxTensor> feed = new HashMap<>();
            feed.put("input_ids", add(created, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[]{1, len})));
            feed.put("position_ids", add(created, OnnxTensor.createTensor(env, LongBuffer.wrap(pos), new long[]{1, len})));
            feed.put("logits_index", add(created, OnnxTensor.createTensor(env, LongBuffer.wrap(rows), new long[]{rows.length})));
            ByteBuffer m = ByteBuffer.allocateDirect(mask.length);
            for (boolean b : mask) {
                m.put((byte) (b ? 1 : 0));
            }
            m.flip();
            feed.put("attn_mask", add(created, OnnxTensor.createTensor(env, m, new long[]{1, 1, len, past + len}, OnnxJavaType.BOOL)));
            long[] pastShape = {1, s.numKvHeads(), past, s.headDim()};
            for (int l = 0; l < s.numLayers(); l++) {
                for (String kind : new String[]{"key", "value"}) {
                    float[] v = past == 0 ? new float[0] : pastValues.get("past_key_values." + l + "." + kind);
                    feed.put("past_key_values." + l + "." + kind,
                            add(created, OnnxTensor.createTensor(env, FloatBuffer.wrap(v), pastShape)));
                }
            }
            Map<String, float[]> result = new HashMap<>();
            try (OrtSession.Result r = session.run(feed)) {
                for (var e : r) {
                    FloatBuffer fb = ((OnnxTensor) e.getValue()).getFloatBuffer();
                    float[] a = new float[fb.remaining()];
                    fb.get(a);
                    result.put(e.getKey(), a);
                }
            }
            return result;
        } finally {
            created.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor add(List<OnnxTensor> list, OnnxTensor t) {
        list.add(t);
        return t;
    }

    private static boolean[] allTrue(int n) {
        boolean[] b = new boolean[n];
        java.util.Arrays.fill(b, true);
        return b;
    }

    @Test
    void bareSessionMatchesTheDoubleReference() throws Exception {
        ModelDescription model = fixture.model();
        int vocab = model.spec().vocabSize();
        ForwardBatch fb = Batches.leftPadded(vocab, LEN, 21, 0);
        long[] ids = new long[LEN];
        long[] pos = new long[LEN];
        long[] rows = new long[LEN];
        for (int j = 0; j < LEN; j++) {
            ids[j] = fb.token(0, j);
            pos[j] = j;
            rows[j] = j;
        }
        float[] logits = run(ids, pos, allTrue(LEN * LEN), 0, Map.of(), rows).get("logits");
        assertEquals(LEN * vocab, logits.length);
        double[][] ref = new ReferenceDecoder(model, fixture.checkpoint()).forward(fb);
        double err = Batches.maxRelError(fb, logits, vocab, (r, v) -> ref[r][v]);
        System.out.printf("exported model (bare OrtSession) vs double reference: max relative error %.3e%n", err);
        assertTrue(err <= 1e-4, "max relative error " + err);
    }

    @Test
    void dualCacheStepMatchesTheFullForward() throws Exception {
        ModelSpec s = fixture.model().spec();
        int vocab = s.vocabSize();
        long[] ids = new long[LEN];
        long[] pos = new long[LEN];
        long[] rows = new long[LEN];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
        for (int j = 0; j < LEN; j++) {
            ids[j] = rnd.nextInt(vocab);
            pos[j] = j;
            rows[j] = j;
        }
        Map<String, float[]> full = run(ids, pos, allTrue(LEN * LEN), 0, Map.of(), rows);
        // block [3, 6): past = keys of [0, 3) ++ keys of [6, 10), the block fed with its absolute positions
        int b0 = 3;
        int b1 = 6;
        int blk = b1 - b0;
        int past = LEN - blk;
        int hd = s.headDim();
        Map<String, float[]> pastValues = new HashMap<>();
        for (int l = 0; l < s.numLayers(); l++) {
            for (String kind : new String[]{"key", "value"}) {
                float[] present = full.get("present." + l + "." + kind);
                assertEquals(s.numKvHeads() * LEN * hd, present.length);
                float[] p = new float[s.numKvHeads() * past * hd];
                int at = 0;
                for (int h = 0; h < s.numKvHeads(); h++) {
                    for (int t = 0; t < LEN; t++) {
                        if (t >= b0 && t < b1) {
                            continue;
                        }
                        System.arraycopy(present, (h * LEN + t) * hd, p, at, hd);
                        at += hd;
                    }
                }
                pastValues.put("past_key_values." + l + "." + kind, p);
            }
        }
        long[] bIds = java.util.Arrays.copyOfRange(ids, b0, b1);
        long[] bPos = java.util.Arrays.copyOfRange(pos, b0, b1);
        Map<String, float[]> step = run(bIds, bPos, allTrue(blk * LEN), past, pastValues, new long[]{0, 1, 2});
        float[] got = step.get("logits");
        float[] want = full.get("logits");
        double maxDiff = 0;
        double maxRef = 0;
        for (int r = 0; r < blk; r++) {
            for (int v = 0; v < vocab; v++) {
                maxDiff = Math.max(maxDiff, Math.abs(got[r * vocab + v] - want[(b0 + r) * vocab + v]));
                maxRef = Math.max(maxRef, Math.abs(want[(b0 + r) * vocab + v]));
            }
        }
        System.out.printf("dual-cache step vs full forward: max relative error %.3e%n", maxDiff / maxRef);
        assertTrue(maxDiff / maxRef <= 1e-5, "cached step differs by " + maxDiff / maxRef);
        assertEquals(s.numKvHeads() * LEN * hd, step.get("present.0.key").length);
    }
}
