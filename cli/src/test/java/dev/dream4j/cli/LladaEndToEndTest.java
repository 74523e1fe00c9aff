package dev.dream4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.conformance.ReferenceDecoder;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.DType;
import dev.dream4j.spi.model.ModelDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.Arrays;

import static dev.dream4j.cli.CliEndToEndTest.cli;
import static dev.dream4j.cli.CliEndToEndTest.ids;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LLaDA as a user runs it: checkpoints in LLaDA's published layout, raw unshifted logits against the independent
 * double-precision decoder, and {@code generate} at temperature 0 against an independent implementation of LLaDA's
 * {@code generate()} written below from its published semantics (blocks, even transfer counts, low-confidence
 * remasking, classifier-free guidance).
 */
class LladaEndToEndTest {
    @TempDir
    Path tmp;

    private Path llada(String name, DType dtype, int shards, int kvHeads, long seed) throws Exception {
        return SyntheticCheckpoint.builder().layout(SyntheticCheckpoint.Layout.LLADA).layers(2).hidden(64).heads(4)
                .kvHeads(kvHeads).intermediate(96).ropeTheta(500000).rmsNormEps(1e-5).dtype(dtype).shards(shards)
                .seed(seed).build().write(tmp.resolve(name));
    }

    @Test
    void pluginsListTheLladaFamilyAndItsSamplers() {
        CliEndToEndTest.Run r = cli("plugins");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("llada"), r.out());
        assertTrue(r.out().contains("low_confidence"), r.out());
        assertTrue(r.out().contains("random"), r.out());
    }

    @Test
    void logitsAreRawAndMatchTheReferenceOnF32WithGqa() throws Exception {
        Path dir = llada("f32", DType.F32, 1, 2, 5);
        int[] t = {3, 17, 40, 41, 99, 7, 12};
        for (String backend : new String[]{"java-cpu", "onnx"}) {
            double err = CliEndToEndTest.maxRelativeError(dir, t, "--backend", backend);
            System.out.printf("LLaDA f32 GQA logits, %s vs ReferenceDecoder: max relative error %.3e%n", backend, err);
            assertTrue(err <= 1e-5, backend + ": max relative error " + err);
        }
    }

    @Test
    void logitsMatchTheReferenceOnShardedBf16() throws Exception {
        Path dir = llada("bf16", DType.BF16, 3, 1, 6);
        double err = CliEndToEndTest.maxRelativeError(dir, new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9}, "--backend", "java-cpu");
        System.out.printf("LLaDA sharded bf16 logits, java-cpu vs ReferenceDecoder: max relative error %.3e%n", err);
        assertTrue(err <= 1e-5, "max relative error " + err);
    }

    @ParameterizedTest(name = "block {0}, steps {1}, cfg {2}")
    @CsvSource({"8, 16, 0", "32, 16, 0", "8, 8, 0.5", "32, 32, 0"})
    void temperatureZeroIsTokenIdenticalToLladaGenerate(int block, int steps, double cfg) throws Exception {
        Path dir = llada("gen", DType.F32, 1, 2, 21);
        int[] prompt = {5, 9, 33, 70, 12};
        int genLength = 32;
        int[] expected;
        try (HfCheckpoint cp = HfCheckpoint.open(dir)) {
            ModelDescription model = CheckpointFixtures.describe(cp);
            assertEquals(0, model.logitShift(), "LLaDA predicts slot j from row j");
            expected = lladaGenerate(new ReferenceDecoder(model, cp), prompt, genLength, steps, block,
                    model.tokens().mask(), model.spec().vocabSize(), cfg);
        }
        CliEndToEndTest.Run r = cli("generate", "--model", dir.toString(), "--prompt-ids", ids(prompt),
                "--max-new-tokens", String.valueOf(genLength), "--steps", String.valueOf(steps),
                "--block-length", String.valueOf(block), "--sampler", "low_confidence", "--temperature", "0",
                "--cfg-scale", String.valueOf(cfg), "--seed", "1", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = r.json();
        int[] got = new int[j.get("generated_ids").size()];
        for (int i = 0; i < got.length; i++) {
            got[i] = j.get("generated_ids").get(i).asInt();
        }
        assertArrayEquals(expected, got, "dream4j vs LLaDA generate(): " + Arrays.toString(got) + " vs " + Arrays.toString(expected));
        assertTrue(j.get("text").isTextual());
    }

    @Test
    void aLeftPaddedBatchIsTokenIdenticalToLladaGenerateWithAnAttentionMask() throws Exception {
        Path dir = llada("batch", DType.F32, 1, 2, 23);
        int[][] prompts = {{5, 9, 33, 70, 12, 8}, {41, 7}};
        int[][] expected;
        int pad;
        try (HfCheckpoint cp = HfCheckpoint.open(dir)) {
            ModelDescription model = CheckpointFixtures.describe(cp);
            pad = model.tokens().pad();
            expected = lladaGenerate(new ReferenceDecoder(model, cp), prompts, pad, 16, 8, 8, model.tokens().mask(),
                    model.spec().vocabSize(), 0);
        }
        try (dev.dream4j.api.DiffusionLM lm = dev.dream4j.Dream4j.load(dir)) {
            dev.dream4j.api.GenerationResult r = lm.generate(dev.dream4j.api.GenerationRequest.builder()
                    .prompts(Arrays.stream(prompts).map(a -> dev.dream4j.api.Prompt.tokens(Arrays.stream(a).boxed().toList())).toList())
                    .maxNewTokens(16).steps(8).blockLength(8).sampler("low_confidence").temperature(0).seed(1).build());
            for (int b = 0; b < prompts.length; b++) {
                int[] got = r.sequences().get(b).generatedIds().stream().mapToInt(Integer::intValue).toArray();
                assertArrayEquals(expected[b], got, "row " + b + ": " + Arrays.toString(got) + " vs " + Arrays.toString(expected[b]));
            }
        }
    }

    @Test
    void defaultsAreLladasAndRandomRemaskingFillsEveryPosition() throws Exception {
        Path dir = llada("defaults", DType.BF16, 1, 4, 8);
        CliEndToEndTest.Run r = cli("generate", "--model", dir.toString(), "--prompt-ids", "4,5,6",
                "--max-new-tokens", "16", "--steps", "8", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals("low_confidence", r.json().get("sampler").asText(), "LLaDA's default remasking");
        CliEndToEndTest.Run rnd = cli("generate", "--model", dir.toString(), "--prompt-ids", "4,5,6",
                "--max-new-tokens", "16", "--steps", "8", "--block-length", "8", "--sampler", "random",
                "--temperature", "0.7", "--seed", "3", "--json");
        assertEquals(0, rnd.exit(), rnd.err());
        JsonNode ids = rnd.json().get("generated_ids");
        assertEquals(16, ids.size());
        try (HfCheckpoint cp = HfCheckpoint.open(dir)) {
            int mask = CheckpointFixtures.describe(cp).tokens().mask();
            for (JsonNode id : ids) {
                assertNotEquals(mask, id.asInt(), "every position decoded");
            }
        }
    }

    @Test
    void onnxRunsLladaInt4WeightsAndTheFastDllmCache() throws Exception {
        Path dir = llada("onnx", DType.BF16, 1, 2, 9);
        try (HfCheckpoint cp = HfCheckpoint.open(dir)) {
            int mask = CheckpointFixtures.describe(cp).tokens().mask();
            String[][] runs = {
                    {"--backend", "onnx", "--backend-option", "onnx.weights=int4", "--sampler", "low_confidence"},
                    {"--backend", "onnx", "--sampler", "fast-dllm-threshold", "--cache", "dual", "--block-length", "8"},
                    {"--backend", "java-cpu", "--sampler", "fast-dllm-threshold", "--cache", "prefix", "--block-length", "8"}};
            for (String[] extra : runs) {
                CliEndToEndTest.Run r = cli(CliEndToEndTest.concat(new String[]{"generate", "--model", dir.toString(),
                        "--prompt-ids", "7,8,9", "--max-new-tokens", "16", "--steps", "16", "--temperature", "0", "--json"}, extra));
                assertEquals(0, r.exit(), String.join(" ", extra) + ": " + r.err());
                JsonNode ids = r.json().get("generated_ids");
                assertEquals(16, ids.size());
                for (JsonNode id : ids) {
                    assertNotEquals(mask, id.asInt(), String.join(" ", extra) + ": every position decoded");
                }
            }
        }
    }

    @Test
    void chatUsesTheCheckpointsTemplate() throws Exception {
        Path dir = llada("chat", DType.BF16, 1, 2, 10);
        CliEndToEndTest.Run r = cli("generate", "--model", dir.toString(), "--chat", "hello", "--max-new-tokens", "8",
                "--steps", "8", "--json");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.json().get("prompt_ids").size() > 3, "the template wraps the message: " + r.json().get("prompt_ids"));
    }

    /**
     * LLaDA's {@code generate()} (GSAI-ML, generate.py) at temperature 0 with {@code low_confidence} remasking, on the
     * double-precision reference logits: the canvas is decoded in {@code genLength / block} blocks of
     * {@code steps / blocks} steps; a block's masks are split evenly over its steps (the remainder to the first ones);
     * each step predicts {@code argmax} at every position, scores masked positions of the current block by the softmax
     * probability of their prediction (everything else {@code -inf}) and commits the top ones. With guidance the logits
     * are {@code u + (s + 1)(c - u)}, {@code u} from the canvas with its prompt masked.
     */
    static int[] lladaGenerate(ReferenceDecoder ref, int[] prompt, int genLength, int steps, int block, int mask,
                               int vocab, double cfg) {
        return lladaGenerate(ref, new int[][]{prompt}, 0, genLength, steps, block, mask, vocab, cfg)[0];
    }

    /**
     * The same for a batch, left-padded with {@code pad} to the longest prompt as LLaDA's {@code generate()} takes it
     * with an {@code attention_mask}: padding slots are hidden from attention, positions stay {@code 0..L-1}, and each
     * row splits its own block masks.
     */
    static int[][] lladaGenerate(ReferenceDecoder ref, int[][] prompts, int pad, int genLength, int steps, int block,
                                 int mask, int vocab, double cfg) {
        int rows = prompts.length;
        int p = Arrays.stream(prompts).mapToInt(a -> a.length).max().orElseThrow();
        int len = p + genLength;
        int[] x = new int[rows * len];
        int[] positions = new int[rows * len];
        boolean[] visible = new boolean[rows * len];
        for (int r = 0; r < rows; r++) {
            int off = p - prompts[r].length;
            Arrays.fill(x, r * len, r * len + off, pad);
            System.arraycopy(prompts[r], 0, x, r * len + off, prompts[r].length);
            Arrays.fill(x, r * len + p, (r + 1) * len, mask);
            for (int j = 0; j < len; j++) {
                positions[r * len + j] = j;
                visible[r * len + j] = j >= off;
            }
        }
        int blocks = genLength / block;
        int perBlock = steps / blocks;
        for (int nb = 0; nb < blocks; nb++) {
            int end = p + (nb + 1) * block;
            int[] masks = new int[rows];
            for (int r = 0; r < rows; r++) {
                for (int j = p + nb * block; j < end; j++) {
                    masks[r] += x[r * len + j] == mask ? 1 : 0;
                }
            }
            for (int i = 0; i < perBlock; i++) {
                double[][] logits = ref.forward(ForwardBatch.of(rows, len, x.clone(), positions, visible, ForwardBatch.allRows(rows, len)));
                if (cfg > 0) {
                    int[] un = x.clone();
                    for (int r = 0; r < rows; r++) {
                        Arrays.fill(un, r * len, r * len + p, mask);
                    }
                    double[][] u = ref.forward(ForwardBatch.of(rows, len, un, positions, visible, ForwardBatch.allRows(rows, len)));
                    for (int j = 0; j < rows * len; j++) {
                        for (int v = 0; v < vocab; v++) {
                            logits[j][v] = u[j][v] + (cfg + 1) * (logits[j][v] - u[j][v]);
                        }
                    }
                }
                for (int r = 0; r < rows; r++) {
                    int transfer = masks[r] / perBlock + (i < masks[r] % perBlock ? 1 : 0);
                    int[] x0 = new int[len];
                    double[] confidence = new double[len];
                    for (int j = 0; j < len; j++) {
                        double[] l = logits[r * len + j];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int v = 0; v < vocab; v++) {
                            if (l[v] > max) {
                                max = l[v];
                                x0[j] = v;
                            }
                        }
                        double sum = 0;
                        for (int v = 0; v < vocab; v++) {
                            sum += Math.exp(l[v] - max);
                        }
                        confidence[j] = x[r * len + j] == mask && j < end ? 1.0 / sum : Double.NEGATIVE_INFINITY;
                    }
                    for (int k = 0; k < transfer; k++) {
                        int best = -1;
                        for (int j = 0; j < len; j++) {
                            if (confidence[j] > Double.NEGATIVE_INFINITY && (best < 0 || confidence[j] > confidence[best])) {
                                best = j;
                            }
                        }
                        x[r * len + best] = x0[best];
                        confidence[best] = Double.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        int[][] out = new int[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(x, r * len + p, (r + 1) * len);
        }
        return out;
    }

}
