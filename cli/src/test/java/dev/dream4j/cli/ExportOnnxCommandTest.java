package dev.dream4j.cli;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dream4j.Dream4j;
import dev.dream4j.api.CheckpointException;
import dev.dream4j.api.PluginNotFoundException;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.spi.model.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dream4j export-onnx}: the exported {@code model.onnx} runs in a bare {@link OrtSession} (nothing of dream4j
 * between the file and ONNX Runtime) and gives the logits {@code dream4j logits} prints.
 */
class ExportOnnxCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] TOKENS = {5, 17, 300, 42, 42, 7, 99};

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Dream4jCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    private Path checkpoint(DType dtype) throws java.io.IOException {
        return checkpoint(dtype, SyntheticCheckpoint.Layout.DREAM);
    }

    private Path checkpoint(DType dtype, SyntheticCheckpoint.Layout layout) throws java.io.IOException {
        return SyntheticCheckpoint.builder().layout(layout).layers(2).hidden(48).intermediate(96).heads(6).kvHeads(2)
                .dtype(dtype).seed(11).build().write(tmp.resolve("ckpt-" + dtype + "-" + layout));
    }

    private static String ids(int[] ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) {
            sb.append(i == 0 ? "" : ",").append(ids[i]);
        }
        return sb.toString();
    }

    /**
     * Runs {@code model} on one unpadded sequence, every row, zero-length past; the past's head count and head
     * size are read from the model's own input declarations.
     */
    static float[][] bareRun(Path model, int[] tokens) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int len = tokens.length;
        long[] ids = new long[len];
        long[] pos = new long[len];
        for (int j = 0; j < len; j++) {
            ids[j] = tokens[j];
            pos[j] = j;
        }
        ByteBuffer mask = ByteBuffer.allocateDirect(len * len);
        for (int i = 0; i < len * len; i++) {
            mask.put(i, (byte) 1);
        }
        List<OnnxTensor> made = new ArrayList<>();
        try (OrtSession.SessionOptions so = new OrtSession.SessionOptions();
             OrtSession s = env.createSession(model.toString(), so)) {
            Map<String, OnnxTensor> feed = new HashMap<>();
            feed.put("input_ids", keep(made, OnnxTensor.createTensor(env, LongBuffer.wrap(ids), new long[]{1, len})));
            feed.put("position_ids", keep(made, OnnxTensor.createTensor(env, LongBuffer.wrap(pos), new long[]{1, len})));
            feed.put("logits_index", keep(made, OnnxTensor.createTensor(env, LongBuffer.wrap(pos.clone()), new long[]{len})));
            feed.put("attn_mask", keep(made, OnnxTensor.createTensor(env, mask, new long[]{1, 1, len, len}, OnnxJavaType.BOOL)));
            for (Map.Entry<String, NodeInfo> in : s.getInputInfo().entrySet()) {
                if (in.getKey().startsWith("past_key_values.")) {
                    long[] declared = ((TensorInfo) in.getValue().getInfo()).getShape(); // [batch, kv_heads, past, head_dim]
                    feed.put(in.getKey(), keep(made, OnnxTensor.createTensor(env, FloatBuffer.allocate(0),
                            new long[]{1, declared[1], 0, declared[3]})));
                }
            }
            assertEquals(s.getInputInfo().keySet(), feed.keySet(), "every declared input is fed");
            try (OrtSession.Result r = s.run(feed, Set.of("logits"))) {
                float[][] out = (float[][]) r.get("logits").orElseThrow().getValue();
                assertEquals(len, out.length);
                return out;
            }
        } finally {
            made.forEach(OnnxTensor::close);
        }
    }

    private static OnnxTensor keep(List<OnnxTensor> list, OnnxTensor t) {
        list.add(t);
        return t;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(SyntheticCheckpoint.Layout.class)
    void exportedModelInABareSessionGivesTheLogitsOfTheLogitsCommand(SyntheticCheckpoint.Layout layout) throws Exception {
        Path dir = checkpoint(DType.F32, layout);
        Path out = tmp.resolve("onnx");
        Run export = cli("export-onnx", "--model", dir.toString(), "--out", out.toString());
        assertEquals(0, export.exit(), export.err());
        assertTrue(export.out().contains(out.resolve("model.onnx").toAbsolutePath().toString()), export.out());
        assertTrue(Files.size(out.resolve("model.onnx.data")) > Files.size(out.resolve("model.onnx")), "weights live in model.onnx.data");

        float[][] viaOrt = bareRun(out.resolve("model.onnx"), TOKENS);
        Run logits = cli("logits", "--model", dir.toString(), "--backend", "java-cpu", "--ids", ids(TOKENS), "--json");
        assertEquals(0, logits.exit(), logits.err());
        JsonNode rows = JSON.readTree(logits.out()).get("logits");
        assertEquals(TOKENS.length, rows.size());
        double worst = 0;
        for (int t = 0; t < TOKENS.length; t++) {
            assertEquals(rows.get(t).size(), viaOrt[t].length, "full vocabulary per row");
            double scale = 0;
            double diff = 0;
            for (int v = 0; v < viaOrt[t].length; v++) {
                double want = rows.get(t).get(v).asDouble();
                scale = Math.max(scale, Math.abs(want));
                diff = Math.max(diff, Math.abs(viaOrt[t][v] - want));
            }
            worst = Math.max(worst, diff / scale);
        }
        System.out.printf("export-onnx (bare OrtSession) vs dream4j logits (java-cpu): max relative error %.3e%n", worst);
        assertTrue(worst <= 1e-4, "max relative error " + worst);
    }

    @Test
    void int4ExportRunsInABareSession() throws Exception {
        Path dir = checkpoint(DType.BF16);
        Path out = tmp.resolve("onnx-int4");
        Run export = cli("export-onnx", "--model", dir.toString(), "--out", out.toString(), "--quantize", "int4", "--block-size", "16");
        assertEquals(0, export.exit(), export.err());
        String graph = new String(Files.readAllBytes(out.resolve("model.onnx")), StandardCharsets.ISO_8859_1);
        assertTrue(graph.contains("MatMulNBits"), "int4 projections");
        float[][] logits = bareRun(out.resolve("model.onnx"), TOKENS);
        for (float[] row : logits) {
            for (float f : row) {
                assertTrue(Float.isFinite(f));
            }
        }
    }

    @Test
    void unknownFormatListsTheExporters() throws Exception {
        Path dir = checkpoint(DType.BF16);
        var e = assertThrows(PluginNotFoundException.class, () -> Dream4j.export(dir, "tflite", tmp.resolve("x"), Map.of()));
        assertTrue(e.getMessage().contains("onnx"), e.getMessage());
        assertTrue(e.getMessage().contains("exporter"), e.getMessage());
    }

    @Test
    void missingModelDirectoryIsACheckpointError() {
        Path missing = tmp.resolve("no-such-model");
        assertThrows(CheckpointException.class, () -> Dream4j.export(missing, "onnx", tmp.resolve("x"), Map.of()));
        Run r = cli("export-onnx", "--model", missing.toString(), "--out", tmp.resolve("y").toString());
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, r.exit(), r.err());
        assertTrue(r.err().contains("no-such-model"), r.err());
        assertTrue(Files.notExists(tmp.resolve("y")), "nothing written");
    }

    @Test
    void badOptionsAreRefusedByName() throws Exception {
        Path dir = checkpoint(DType.BF16);
        Run quant = cli("export-onnx", "--model", dir.toString(), "--out", tmp.resolve("q").toString(), "--quantize", "int3");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, quant.exit(), quant.err());
        assertTrue(quant.err().contains("int3"), quant.err());
        Run block = cli("export-onnx", "--model", dir.toString(), "--out", tmp.resolve("b").toString(), "--quantize", "int4", "--block-size", "24");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, block.exit(), block.err());
        assertTrue(block.err().contains("block size"), block.err());
    }
}
