package dev.dream4j.server;

import dev.dream4j.Dream4j;
import dev.dream4j.Dream4jModel;
import dev.dream4j.api.CacheMode;
import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.api.InfillRequest;
import dev.dream4j.api.InfillResult;
import dev.dream4j.api.Prompt;
import dev.dream4j.demo.DemoModel;
import dev.dream4j.kernel.batch.StepScheduler;
import dev.dream4j.spi.backend.ForwardBatch;
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
 * tokens they produce alone, and the backend's logits of a canvas are bit-identical inside a left-padded batch.
 */
class ContinuousBatchingTest {
    private static Dream4jModel batched;

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
        Dream4jModel alone = TestSupport.model();
        assertEquals(1, alone.maxBatch());
        List<GenerationRequest> requests = requests();
        List<GenerationResult> expected = requests.stream().map(alone::generate).toList();
        long sharedBefore = batched.batchStats().orElseThrow().sharedForwards();
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
        StepScheduler.Stats stats = batched.batchStats().orElseThrow();
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

    @Test
    void javaCpuLogitsAreBitIdenticalUnderLeftPaddingAndBatching() {
        Dream4jModel model = TestSupport.model();
        int vocab = model.description().spec().vocabSize();
        int pad = model.description().tokens().pad();
        int[] a = model.encode("def add(a, b):\n    return").stream().mapToInt(Integer::intValue).toArray();
        int[] b = model.encode("import numpy as np\n\nx = np.zeros((3, 4))\nprint(x.shape)").stream().mapToInt(Integer::intValue).toArray();
        assertTrue(b.length > a.length + 3);
        float[] aAlone = model.forwardForBench(ForwardBatch.single(a, ForwardBatch.allRows(1, a.length))).data();
        float[] bAlone = model.forwardForBench(ForwardBatch.single(b, ForwardBatch.allRows(1, b.length))).data();
        // a left-padded to b's length, in one batch with b (rows b then a), as the step scheduler merges them
        int len = b.length;
        int padN = len - a.length;
        int[] tokens = new int[2 * len];
        int[] positions = new int[2 * len];
        boolean[] visible = new boolean[2 * len];
        for (int j = 0; j < len; j++) {
            tokens[j] = b[j];
            positions[j] = j;
            visible[j] = true;
            tokens[len + j] = j < padN ? pad : a[j - padN];
            positions[len + j] = j < padN ? 1 : j - padN;
            visible[len + j] = j >= padN;
        }
        int[] rows = new int[2 * len - padN];
        for (int j = 0; j < len; j++) {
            rows[j] = j;
        }
        for (int j = 0; j < a.length; j++) {
            rows[len + j] = len + padN + j;
        }
        float[] both = model.forwardForBench(ForwardBatch.of(2, len, tokens, positions, visible, rows)).data();
        assertArrayEquals(bAlone, Arrays.copyOfRange(both, 0, len * vocab), "the longer canvas changed in a batch");
        assertArrayEquals(aAlone, Arrays.copyOfRange(both, len * vocab, both.length), "the padded canvas changed in a batch");
    }

    private static List<List<Integer>> tokens(GenerationResult r) {
        return r.sequences().stream().map(GenerationResult.GeneratedSequence::generatedIds).toList();
    }
}
