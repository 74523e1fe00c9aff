package dev.dream4j.backend.onnx;

import dev.dream4j.backend.onnx.graph.DecoderGraph;
import dev.dream4j.backend.onnx.graph.Int4Quantizer;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.conformance.ReferenceDecoder;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.JsonConfig;
import dev.dream4j.spi.model.TensorView;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** int4 MatMulNBits weights: the quantiser, and the backend against a double reference on the dequantised weights. */
class Int4Test {
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path out;

    @Test
    void quantiserRoundTripsWithinHalfAStep() {
        int n = 5;
        int k = 40; // one full block of 32 and a padded one
        float[] w = new float[n * k];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        w[3] = 0; // exact zero stays zero
        int blocks = Int4Quantizer.blocks(k, 32);
        MemorySegment codes = Arena.ofAuto().allocate((long) n * blocks * 16);
        MemorySegment scales = Arena.ofAuto().allocate((long) n * blocks * 4);
        Int4Quantizer.quantize(i -> w[(int) i], n, k, 32, codes, scales);
        for (int row = 0; row < n; row++) {
            for (int col = 0; col < k; col++) {
                float scale = scales.getAtIndex(FLOAT_LE, (long) row * blocks + col / 32);
                float dq = Int4Quantizer.dequantize(codes, scales, k, 32, row, col);
                assertTrue(Math.abs(dq - w[row * k + col]) <= scale / 2 + 1e-6f, "row " + row + " col " + col);
            }
        }
        assertEquals(0f, Int4Quantizer.dequantize(codes, scales, k, 32, 0, 3));
    }

    private static BackendOptions int4(int block) {
        return new BackendOptions(OptionalInt.of(2), Optional.empty(),
                Map.of(OnnxBackend.WEIGHTS, "int4", OnnxBackend.INT4_BLOCK, Integer.toString(block)));
    }

    @Test
    void int4BackendMatchesTheReferenceOnDequantisedWeights() throws Exception {
        // hidden 72: K is not a multiple of the block size, so the padded last block is exercised
        SyntheticCheckpoint spec = SyntheticCheckpoint.builder().layers(2).hidden(72).intermediate(100).heads(6).kvHeads(2)
                .headDim(12).dtype(DType.BF16).seed(8).build();
        int block = 16;
        try (var fx = CheckpointFixtures.open(spec);
             Backend b = new OnnxBackendProvider().open(fx.model(), fx.checkpoint(), int4(block))) {
            int vocab = fx.model().spec().vocabSize();
            ForwardBatch fb = Batches.leftPadded(vocab, 12, 4, 0, 5);
            Logits got = b.forward(fb);
            Checkpoint dq = new Dequantized(fx.checkpoint(), DecoderGraph.weights(fx.model(), DecoderGraph.Options.defaults(fx.model()).withInt4(block)));
            double[][] ref = new ReferenceDecoder(fx.model(), dq).forward(fb);
            double err = Batches.maxRelError(fb, got.data(), vocab, (r, v) -> ref[r][v]);
            // and how far int4 moves the logits from the unquantised model
            double[][] exact = new ReferenceDecoder(fx.model(), fx.checkpoint()).forward(fb);
            double quantErr = Batches.maxRelError(fb, got.data(), vocab, (r, v) -> exact[r][v]);
            System.out.printf("int4 (block %d) vs reference on dequantised weights: %.3e; vs unquantised model: %.3e%n", block, err, quantErr);
            assertTrue(err <= 1e-4, "max relative error " + err);

            // the same graph (int4 projections, bf16 embedding) exported and run by a bare session gives the same logits
            var opts = OnnxBackend.embedding(DecoderGraph.Options.defaults(fx.model()).withInt4(block), fx.model(), fx.checkpoint());
            assertEquals(DecoderGraph.Kind.BF16, opts.embedding());
            Path model = OnnxExporter.export(fx.model(), fx.checkpoint(), out, opts);
            ForwardBatch single = Batches.leftPadded(vocab, 9, 6, 0);
            float[] viaBackend = b.forward(single).data();
            float[] viaFile = bareRun(model, fx.model().spec(), single);
            assertEquals(viaBackend.length, viaFile.length);
            for (int i = 0; i < viaFile.length; i++) {
                assertEquals(viaBackend[i], viaFile[i], 1e-5f * Math.max(1f, Math.abs(viaBackend[i])));
            }
        }
    }

    /** Runs an exported model on one unpadded sequence, every row, with nothing but ONNX Runtime. */
    static float[] bareRun(Path model, dev.dream4j.spi.model.ModelSpec spec, ForwardBatch fb) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int len = fb.length();
        long[] ids = new long[len];
        long[] pos = new long[len];
        long[] rows = new long[len];
        for (int j = 0; j < len; j++) {
            ids[j] = fb.token(0, j);
            pos[j] = fb.position(0, j);
            rows[j] = j;
        }
        java.nio.ByteBuffer mask = java.nio.ByteBuffer.allocateDirect(len * len);
        for (int i = 0; i < len * len; i++) {
            mask.put(i, (byte) 1);
        }
        java.util.List<ai.onnxruntime.OnnxTensor> made = new java.util.ArrayList<>();
        try (OrtSession s = env.createSession(model.toString(), new OrtSession.SessionOptions())) {
            Map<String, ai.onnxruntime.OnnxTensor> feed = new HashMap<>();
            feed.put("input_ids", keep(made, ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(ids), new long[]{1, len})));
            feed.put("position_ids", keep(made, ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(pos), new long[]{1, len})));
            feed.put("logits_index", keep(made, ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.LongBuffer.wrap(rows), new long[]{len})));
            feed.put("attn_mask", keep(made, ai.onnxruntime.OnnxTensor.createTensor(env, mask, new long[]{1, 1, len, len}, ai.onnxruntime.OnnxJavaType.BOOL)));
            ai.onnxruntime.OnnxTensor past = keep(made, ai.onnxruntime.OnnxTensor.createTensor(env, java.nio.FloatBuffer.allocate(0),
                    new long[]{1, spec.numKvHeads(), 0, spec.headDim()}));
            for (int l = 0; l < spec.numLayers(); l++) {
                feed.put("past_key_values." + l + ".key", past);
                feed.put("past_key_values." + l + ".value", past);
            }
            try (OrtSession.Result r = s.run(feed, Set.of("logits"))) {
                java.nio.FloatBuffer fbuf = ((ai.onnxruntime.OnnxTensor) r.get("logits").orElseThrow()).getFloatBuffer();
                float[] outArr = new float[fbuf.remaining()];
                fbuf.get(outArr);
                return outArr;
            }
        } finally {
            made.forEach(ai.onnxruntime.OnnxTensor::close);
        }
    }

    private static ai.onnxruntime.OnnxTensor keep(java.util.List<ai.onnxruntime.OnnxTensor> list, ai.onnxruntime.OnnxTensor t) {
        list.add(t);
        return t;
    }

    /** Serves every int4-quantised weight as its dequantised fp32 values. */
    private static final class Dequantized implements Checkpoint {
        private final Checkpoint inner;
        private final Map<String, TensorView> replaced = new HashMap<>();

        Dequantized(Checkpoint inner, java.util.List<DecoderGraph.Weight> weights) {
            this.inner = inner;
            WeightData data = new WeightData(inner);
            for (DecoderGraph.Weight w : weights) {
                if (w.kind() != DecoderGraph.Kind.INT4) {
                    continue;
                }
                DecoderGraph.Weight scalesW = new DecoderGraph.Weight(DecoderGraph.scalesName(w.source()), w.source(), w.sourceShape(),
                        DecoderGraph.Kind.INT4_SCALES, new long[]{w.shape()[0], w.shape()[1]}, w.blockSize());
                MemorySegment codes = MemorySegment.ofBuffer(data.direct(w));
                MemorySegment scales = MemorySegment.ofBuffer(data.direct(scalesW));
                long n = w.sourceShape()[0];
                long k = w.sourceShape()[1];
                MemorySegment values = Arena.ofAuto().allocate(n * k * 4);
                for (long r = 0; r < n; r++) {
                    for (long c = 0; c < k; c++) {
                        values.setAtIndex(FLOAT_LE, r * k + c, Int4Quantizer.dequantize(codes, scales, k, w.blockSize(), r, c));
                    }
                }
                TensorView src = inner.tensor(w.source());
                replaced.put(w.source(), new TensorView() {
                    public String name() { return src.name(); }
                    public DType dtype() { return DType.F32; }
                    public long[] shape() { return src.shape(); }
                    public Path file() { return src.file(); }
                    public MemorySegment data() { return values; }
                });
            }
        }

        public Path directory() { return inner.directory(); }
        public JsonConfig config() { return inner.config(); }
        public Optional<JsonConfig> json(String fileName) { return inner.json(fileName); }
        public Set<String> tensorNames() { return inner.tensorNames(); }
        public TensorView tensor(String name) { return replaced.getOrDefault(name, inner.tensor(name)); }
        public void close() { }
    }
}
