package dev.dream4j.server;

import dev.dream4j.Dream4j;
import dev.dream4j.api.BatchStats;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.CacheMode;
import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.api.InfillRequest;
import dev.dream4j.api.InfillResult;
import dev.dream4j.api.Prompt;
import dev.dream4j.demo.DemoModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Continuous batching on the demo model with the java-cpu backend: generations that share step forwards produce the
 * tokens they produce alone. (That the backend's logits of a canvas are bit-identical inside a left-padded batch is
 * rule B3 of the backend conformance suite, which java-cpu runs with tolerance 0.)
 */
class ContinuousBatchingTest {
    private static DiffusionLM batched;

    @BeforeAll
    static void open() {
        batched = Dream4j.builder().model(DemoModel.directory()).backend("java-cpu").threads(2).maxBatch(16).build();
    }

    @AfterAll
    static void close() {
        batched.close();
    }

    /** Different prompts, lengths, samplers, steps, temperatures, seeds, several rows, block decoding and a cache. */
    static List<GenerationRequest> requests() {
        return List.of(
                GenerationRequest.builder().prompt("def add(a, b):").maxNewTokens(16).steps(16).sampler("entropy").seed(1).build(),
                GenerationRequest.builder().prompt("import os\nimport sys\n\ndef main():\n    args = sys.argv").maxNewTokens(24)
                        .steps(12).sampler("origin").temperature(0.8).seed(2).build(),
                GenerationRequest.builder().prompt("class Stack:").maxNewTokens(8).steps(8).sampler("maskgit_plus")
                        .temperature(0.5).topP(0.9).seed(3).numReturnSequences(2).build(),
                GenerationRequest.builder().chat(List.of(new ChatMessage("user", "Write a loop"))).maxNewTokens(20).steps(10)
                        .sampler("topk_margin").temperature(0.3).topK(20).seed(4).build(),
                GenerationRequest.builder().prompt("for i in range(10):").maxNewTokens(32).steps(16).sampler("entropy")
                        .blockLength(8).seed(5).build(),
                GenerationRequest.builder().prompt("x = [").maxNewTokens(16).steps(16).sampler("entropy").blockLength(8)
                        .cache(CacheMode.PREFIX).seed(6).build(),
                GenerationRequest.builder().prompt("def fib(n):\n    ").maxNewTokens(12).steps(12).sampler("fast-dllm-threshold")
                        .seed(7).build());
    }

    @Test
    void generationsSharingForwardsMatchRunningAlone() throws Exception {
        DiffusionLM alone = TestSupport.model();
        assertEquals(1, alone.diagnostics().maxBatch());
        List<GenerationRequest> requests = requests();
        List<GenerationResult> expected = requests.stream().map(alone::generate).toList();
        long sharedBefore = batched.diagnostics().batchStats().orElseThrow().sharedForwards();
        // Twice each request, all at once: every step forward is shared with whichever generations are running.
        try (ExecutorService pool = Executors.newFixedThreadPool(2 * requests.size())) {
            List<Future<GenerationResult>> futures = new ArrayList<>();
            for (int round = 0; round < 2; round++) {
                for (GenerationRequest r : requests) {
                    futures.add(pool.submit(() -> batched.generate(r)));
                }
            }
            for (int i = 0; i < futures.size(); i++) {
                GenerationResult got = futures.get(i).get(5, TimeUnit.MINUTES);
                GenerationResult want = expected.get(i % requests.size());
                assertEquals(tokens(want), tokens(got), "request " + (i % requests.size()) + " differs when batched");
                assertEquals(want.sequences().stream().map(GenerationResult.GeneratedSequence::text).toList(),
                        got.sequences().stream().map(GenerationResult.GeneratedSequence::text).toList());
            }
        }
        BatchStats stats = batched.diagnostics().batchStats().orElseThrow();
        assertTrue(stats.sharedForwards() > sharedBefore, "no step forward was shared: " + stats);
        assertEquals(0, stats.activeGenerations(), "every generation left the scheduler");
    }

    @Test
    void infillSharesForwardsToo() throws Exception {
        InfillRequest request = InfillRequest.builder(Prompt.text("def add(a, b):\n    "), Prompt.text("\n    return c"))
                .initialMasks(8).maxNewTokens(8).strategy("fixed").seed(3).build();
        InfillResult want = TestSupport.model().infill(request);
        try (ExecutorService pool = Executors.newFixedThreadPool(3)) {
            List<Future<InfillResult>> futures = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                futures.add(pool.submit(() -> batched.infill(request)));
            }
            for (Future<InfillResult> f : futures) {
                assertEquals(want.middleIds(), f.get(5, TimeUnit.MINUTES).middleIds());
            }
        }
    }

    private static List<List<Integer>> tokens(GenerationResult r) {
        return r.sequences().stream().map(GenerationResult.GeneratedSequence::generatedIds).toList();
    }
}
