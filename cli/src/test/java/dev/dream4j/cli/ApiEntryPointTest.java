package dev.dream4j.cli;

import dev.dream4j.Dream4j;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.LogitRows;
import dev.dream4j.api.ModelDiagnostics;
import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.PluginKind;
import dev.dream4j.api.PreparedGeneration;
import dev.dream4j.api.TextTokenizer;
import dev.dream4j.demo.DemoModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API entry point as an application uses it: Dream4j finds the kernel, prepare/generate, diagnostics. */
class ApiEntryPointTest {
    static DiffusionLM lm;

    @BeforeAll
    static void open() {
        lm = Dream4j.builder().model(DemoModel.directory()).backend("java-cpu").threads(2).build();
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    @Test
    void theEntryPointHandsOutTheApiTypeNotTheKernelClass() {
        assertFalse(lm.getClass().getPackageName().startsWith("dev.dream4j.api"), lm.getClass().getName());
        assertEquals("dream", lm.info().family());
        assertEquals("java-cpu", lm.info().backend());
    }

    @Test
    void preparedRequestsDrawTheirSeedOnceAndRunAsTheSameRequestWithThatSeed() {
        GenerationRequest request = GenerationRequest.builder().prompt("def add(a, b):").maxNewTokens(12).steps(12)
                .sampler("entropy").temperature(0.7).build();
        PreparedGeneration prepared = lm.prepare(request);
        assertTrue(prepared.request().seed().isPresent(), "the seed is drawn at prepare");
        assertEquals(prepared.seed(), prepared.request().seed().getAsLong());
        assertEquals(12, prepared.newTokens());
        assertEquals(12, prepared.steps());
        assertEquals("entropy", prepared.sampler());
        assertEquals(1, prepared.rows());
        assertEquals(lm.encode("def add(a, b):"), prepared.promptIds().getFirst());
        assertEquals(prepared.promptIds().getFirst().size(), prepared.promptLength());
        List<Integer> start = prepared.initialCanvas().getFirst();
        assertEquals(prepared.promptLength() + 12, start.size());
        assertEquals(prepared.promptIds().getFirst(), start.subList(0, prepared.promptLength()));
        int mask = lm.info().specialTokens().get("mask");
        assertTrue(start.subList(prepared.promptLength(), start.size()).stream().allMatch(id -> id == mask), start.toString());
        GenerationResult first = lm.generate(prepared);
        GenerationResult again = lm.generate(prepared);
        GenerationResult explicit = lm.generate(request.toBuilder().seed(prepared.seed()).build());
        assertEquals(first.first().generatedIds(), again.first().generatedIds());
        assertEquals(first.first().generatedIds(), explicit.first().generatedIds());
        assertEquals(prepared.seed(), first.seed());
    }

    @Test
    void theInitialCanvasLeftPadsShorterPromptsWithThePadId() {
        PreparedGeneration prepared = lm.prepare(GenerationRequest.builder()
                .prompts(List.of(dev.dream4j.api.Prompt.text("import os\nimport sys\n"), dev.dream4j.api.Prompt.text("x =")))
                .maxNewTokens(4).steps(4).numReturnSequences(2).build());
        assertEquals(4, prepared.rows());
        List<List<Integer>> canvas = prepared.initialCanvas();
        assertEquals(4, canvas.size());
        int pad = lm.info().specialTokens().get("pad");
        List<Integer> shortIds = prepared.promptIds().get(1);
        List<Integer> shortRow = canvas.get(2);
        int padding = prepared.promptLength() - shortIds.size();
        assertTrue(padding > 0);
        assertTrue(shortRow.subList(0, padding).stream().allMatch(id -> id == pad), shortRow.toString());
        assertEquals(shortIds, shortRow.subList(padding, prepared.promptLength()));
        assertEquals(canvas.get(2), canvas.get(3), "n copies of a prompt start alike");
    }

    @Test
    void badInputIsRefusedAtPrepare() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> lm.prepare(GenerationRequest.builder()
                .promptIds(List.of(1, 2, lm.info().vocabSize())).maxNewTokens(4).build()));
        assertTrue(e.getMessage().contains(String.valueOf(lm.info().vocabSize())), e.getMessage());
        assertThrows(Exception.class, () -> lm.prepare(GenerationRequest.builder().prompt("x").maxNewTokens(4)
                .sampler("no-such-sampler").build()));
    }

    @Test
    void onlyTheModelThatPreparedARequestRunsIt() {
        PreparedGeneration prepared = lm.prepare(GenerationRequest.builder().prompt("x").maxNewTokens(4).steps(4).build());
        try (DiffusionLM other = Dream4j.builder().model(DemoModel.directory()).backend("java-cpu").threads(1).build()) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> other.generate(prepared));
            assertEquals("prepared", e.parameter());
        }
    }

    @Test
    void diagnosticsForwardReturnsTheRequestedRowsOfTheFullForward() {
        ModelDiagnostics d = lm.diagnostics();
        List<Integer> ids = lm.encode("import os\nprint(os.getcwd())");
        LogitRows all = d.logits(ids);
        assertEquals(ids.size(), all.rows());
        assertEquals(lm.info().vocabSize(), all.vocabSize());
        assertEquals(d.dimensions().vocab(), all.vocabSize());
        int[] tokens = ids.stream().mapToInt(Integer::intValue).toArray();
        int[] rows = {ids.size() - 1, 0, 2};
        LogitRows some = d.forward(tokens, rows);
        assertEquals(3, some.rows());
        for (int r = 0; r < rows.length; r++) {
            assertArrayEquals(all.copyRow(rows[r]), some.copyRow(r), 1e-5f, "row " + rows[r]);
        }
        assertNotEquals(all.get(0, 0), all.get(1, 0), "rows differ from each other");
        assertThrows(InvalidRequestException.class, () -> d.forward(tokens, new int[]{tokens.length}));
        assertThrows(InvalidRequestException.class, () -> d.forward(new int[]{-1}, new int[]{0}));
        assertTrue(d.forwardFlops(16, 8, 16) > d.forwardFlops(8, 8, 8));
        assertEquals(1, d.maxBatch());
        assertTrue(d.batchStats().isEmpty(), "batching is off at max batch 1");
    }

    @Test
    void aTokenizerAloneEncodesAsTheModelDoes() {
        TextTokenizer tokenizer = Dream4j.builder().model(DemoModel.directory()).buildTokenizer();
        String text = "def fibonacci(n):\n    return n";
        assertEquals(lm.encode(text), tokenizer.encode(text));
        assertEquals(text, tokenizer.decode(tokenizer.encode(text), true));
        assertEquals(lm.vocabSize(), tokenizer.vocabSize());
    }

    @Test
    void pluginsAreListedThroughTheApi() {
        List<PluginInfo> plugins = Dream4j.plugins();
        assertTrue(plugins.stream().anyMatch(p -> p.kind() == PluginKind.SAMPLER && p.name().equals("entropy")), plugins.toString());
        assertTrue(plugins.stream().anyMatch(p -> p.kind() == PluginKind.BACKEND && p.name().equals("java-cpu") && p.available()));
        assertTrue(lm.plugins().stream().anyMatch(p -> p.kind() == PluginKind.MODEL_FAMILY && p.name().equals("dream")));
    }
}
