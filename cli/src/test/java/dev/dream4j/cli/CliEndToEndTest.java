package dev.dream4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dream4j.checkpoint.HfCheckpoint;
import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.conformance.CheckpointFixtures;
import dev.dream4j.conformance.ReferenceDecoder;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI as a user runs it, in process (class path); the module-path launch is covered by {@code ModulePathIT}. */
class CliEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return JSON.readTree(out);
        }
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Dream4jCli.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    static String ids(int... ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ids.length; i++) sb.append(i == 0 ? "" : ",").append(ids[i]);
        return sb.toString();
    }

    static double maxRelativeError(Path dir, int[] tokens, String... extra) throws Exception {
        Run r = cli(concat(new String[]{"logits", "--model", dir.toString(), "--ids", ids(tokens), "--json"}, extra));
        assertEquals(0, r.exit(), r.err());
        JsonNode rows = r.json().get("logits");
        double[][] expected;
        try (HfCheckpoint cp = HfCheckpoint.open(dir)) {
            ReferenceDecoder ref = new ReferenceDecoder(CheckpointFixtures.describe(cp), cp);
            expected = ref.forward(ForwardBatch.single(tokens, ForwardBatch.allRows(1, tokens.length)));
        }
        assertEquals(tokens.length, rows.size());
        double worst = 0;
        for (int t = 0; t < tokens.length; t++) {
            assertEquals(expected[t].length, rows.get(t).size(), "full vocabulary per row");
            double scale = 0;
            for (double v : expected[t]) scale = Math.max(scale, Math.abs(v));
            for (int v = 0; v < expected[t].length; v++) {
                worst = Math.max(worst, Math.abs(rows.get(t).get(v).asDouble() - expected[t][v]) / scale);
            }
        }
        return worst;
    }

    @Test
    void logitsMatchAnIndependentDoublePrecisionForwardOnF32Weights() throws Exception {
        Path dir = SyntheticCheckpoint.builder().layers(2).hidden(48).intermediate(96).heads(6).kvHeads(2)
                .dtype(DType.F32).seed(11).build().write(tmp.resolve("f32"));
        double err = maxRelativeError(dir, new int[]{5, 17, 300, 42, 42, 7, 99});
        assertTrue(err <= 1e-4, "max relative error " + err);
    }

    @Test
    void logitsMatchOnShardedBf16WithHeadDim128AndGqa7() throws Exception {
        Path dir = SyntheticCheckpoint.builder().layers(2).hidden(64).headDim(128).heads(7).kvHeads(1).intermediate(80)
                .dtype(DType.BF16).shards(3).seed(3).build().write(tmp.resolve("bf16"));
        // The reference reads the same bf16 values, so only fp32 accumulation differs from double.
        double err = maxRelativeError(dir, new int[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        assertTrue(err <= 1e-4, "max relative error " + err);
    }

    @Test
    void benchServeComparesMaxBatchConfigurationsOnLoopback() {
        Run r = cli("bench-serve", "--model", "demo", "--threads", "2", "--clients", "3", "--requests", "2", "--max-tokens", "4",
                "--steps", "4", "--warmup", "0", "--max-batch", "1,4");
        assertEquals(0, r.exit(), r.err() + r.out());
        List<String> rows = r.out().lines().filter(l -> l.matches("^[14] +[14] +6 +0 +0 .*")).toList();
        assertEquals(2, rows.size(), "one row per --max-batch, 6 ok, no 429, no errors:\n" + r.out());
        assertTrue(r.out().contains("max-batch 4 vs 1: "), r.out());
    }

    @Test
    void generateJsonOnTheDemoModel() throws Exception {
        Run r = cli("generate", "--model", "demo", "--prompt", "def fibonacci(n):\n", "--max-new-tokens", "24",
                "--steps", "24", "--sampler", "entropy", "--temperature", "0.6", "--top-p", "0.95", "--seed", "2", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = r.json();
        assertEquals(24, j.get("generated_ids").size());
        assertEquals(24, j.get("steps").asInt());
        assertFalse(j.get("prompt_ids").isEmpty());
        assertTrue(j.get("text").isTextual());
        assertEquals("entropy", j.get("sampler").asText());
        for (JsonNode id : j.get("generated_ids")) {
            assertNotEquals(2045, id.asInt(), "no mask left in the canvas");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"origin", "maskgit_plus", "topk_margin", "entropy"})
    void temperatureZeroIsDeterministicForEverySampler(String sampler) throws Exception {
        List<String> outs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Run r = cli("generate", "--model", "demo", "--prompt", "import os\n", "--max-new-tokens", "16", "--steps", "16",
                    "--sampler", sampler, "--temperature", "0", "--seed", String.valueOf(i), "--json");
            assertEquals(0, r.exit(), r.err());
            outs.add(r.json().get("generated_ids").toString());
        }
        // origin draws Bernoulli commits, so only its seed-fixed run is reproducible; the others never draw at T=0.
        if (!sampler.equals("origin")) {
            assertEquals(outs.get(0), outs.get(1));
        }
        Run again = cli("generate", "--model", "demo", "--prompt", "import os\n", "--max-new-tokens", "16", "--steps", "16",
                "--sampler", sampler, "--temperature", "0", "--seed", "0", "--json");
        assertEquals(outs.get(0), again.json().get("generated_ids").toString());
    }

    @Test
    void tokenizeAndDetokenizeRoundTrip() throws Exception {
        Run t = cli("tokenize", "--model", "demo", "--text", "for i in range(10):\n    print(i)", "--json");
        assertEquals(0, t.exit(), t.err());
        JsonNode ids = t.json().get("ids");
        assertTrue(ids.size() > 3);
        StringBuilder sb = new StringBuilder();
        ids.forEach(i -> sb.append(sb.isEmpty() ? "" : ",").append(i.asInt()));
        Run d = cli("detokenize", "--model", "demo", "--ids", sb.toString(), "--json");
        assertEquals("for i in range(10):\n    print(i)", d.json().get("text").asText());
    }

    @Test
    void pluginsListsEveryBuiltIn() throws Exception {
        Run r = cli("plugins", "--json");
        assertEquals(0, r.exit(), r.err());
        List<String> names = new ArrayList<>();
        r.json().forEach(p -> names.add(p.get("kind").asText() + ":" + p.get("name").asText()));
        for (String expected : List.of("backend:java-cpu", "sampler:entropy", "sampler:origin", "sampler:maskgit_plus",
                "sampler:topk_margin", "tokenizer:hf", "model-family:dream", "logits-processor:top-p")) {
            assertTrue(names.contains(expected), expected + " in " + names);
        }
    }

    @Test
    void unknownSamplerListsTheAvailableOnes() {
        Run r = cli("generate", "--model", "demo", "--prompt", "x", "--sampler", "nope", "--max-new-tokens", "4", "--steps", "4");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, r.exit());
        assertTrue(r.err().contains("unknown sampler 'nope'") && r.err().contains("entropy"), r.err());
        assertTrue(r.out().isEmpty());
    }

    @Test
    void badParametersAreNamed() {
        Run t = cli("generate", "--model", "demo", "--prompt", "x", "--temperature", "-1");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, t.exit());
        assertTrue(t.err().contains("temperature"), t.err());
        Run p = cli("generate", "--model", "demo", "--prompt", "x", "--top-p", "1.5");
        assertTrue(p.err().contains("top_p"), p.err());
        Run s = cli("generate", "--model", "demo", "--prompt", "x", "--steps", "0");
        assertTrue(s.err().contains("steps"), s.err());
        Run c = cli("generate", "--model", "demo", "--prompt", "x", "--max-new-tokens", "5000", "--steps", "2");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, c.exit());
        assertTrue(c.err().contains("context length 2048"), c.err());
        Run i = cli("generate", "--model", "demo", "--prompt-ids", "1,99999", "--max-new-tokens", "2", "--steps", "2");
        assertTrue(i.err().contains("token id 99999"), i.err());
        Run m = cli("logits", "--model", tmp.resolve("missing").toString(), "--ids", "1");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, m.exit());
        assertTrue(m.err().contains("not a checkpoint directory"), m.err());
    }

    @Test
    void promptIdsAndChatPromptsWork() throws Exception {
        Run r = cli("generate", "--model", "demo", "--prompt-ids", "314,285", "--max-new-tokens", "4", "--steps", "4",
                "--temperature", "0", "--json");
        assertEquals(0, r.exit(), r.err());
        assertEquals("[314,285]", r.json().get("prompt_ids").toString());
        Run c = cli("generate", "--model", "demo", "--chat", "Write a loop", "--max-new-tokens", "4", "--steps", "4",
                "--temperature", "0", "--json");
        assertEquals(0, c.exit(), c.err());
        // The ChatML template: <|im_start|> (2042) first, then a default system turn.
        assertEquals(2042, c.json().get("prompt_ids").get(0).asInt());
    }

    @Test
    void synthCheckpointCommandWritesALoadableCheckpoint() throws Exception {
        Path out = tmp.resolve("synth");
        Run w = cli("synth-checkpoint", "--out", out.toString(), "--layers", "1", "--hidden", "32", "--heads", "2",
                "--kv-heads", "1", "--intermediate", "40", "--shards", "2");
        assertEquals(0, w.exit(), w.err());
        Run g = cli("generate", "--model", out.toString(), "--prompt", "def f", "--max-new-tokens", "3", "--steps", "3", "--json");
        assertEquals(0, g.exit(), g.err());
        assertEquals(3, g.json().get("generated_ids").size());
    }

    @Test
    void infillsAFunctionBodyOnTheDemoModel() throws Exception {
        Run r = cli("infill", "--model", "demo", "--prefix", "def add(a, b):\n", "--suffix", "\n    return result\n",
                "--initial-masks", "4", "--max-new-tokens", "16", "--temperature", "0", "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = r.json();
        assertTrue(j.get("middle").isTextual());
        assertTrue(j.get("middle_ids").size() >= 1 && j.get("middle_ids").size() <= 16, j.toString());
        assertTrue(j.get("steps").asInt() >= 1);
        assertTrue(j.has("expansions") && j.has("deletions"));
    }

    @Test
    void infillChoosesSlotsWithASamplerPlugIn() throws Exception {
        String[] common = {"infill", "--model", "demo", "--prefix", "def add(a, b):\n", "--suffix", "\n    return result\n",
                "--initial-masks", "4", "--max-new-tokens", "8", "--temperature", "0", "--json"};
        Run origin = cli(concat(common, "--sampler", "origin"));
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, origin.exit());
        assertTrue(origin.err().contains("sampler 'origin' cannot infill"), origin.err());
        assertTrue(origin.err().contains("entropy") && origin.err().contains("maskgit_plus"), "names those that can: " + origin.err());
        Run unknown = cli(concat(common, "--sampler", "no-such-sampler"));
        assertTrue(unknown.exit() != 0 && unknown.err().contains("no-such-sampler"), unknown.err());
        // the demo checkpoint's alg is entropy: the strategy's default takes it
        Run byDefault = cli(common);
        Run named = cli(concat(common, "--sampler", "entropy"));
        assertEquals(0, byDefault.exit(), byDefault.err());
        assertEquals(named.json().get("middle_ids"), byDefault.json().get("middle_ids"));
    }

    @Test
    void infillDefaultsAreTheApisInHelpAndInUse() throws Exception {
        Run help = cli("help", "infill");
        String text = help.out().replaceAll("\\s+", " "); // picocli wraps long descriptions
        assertTrue(text.contains("start (default: " + dev.dream4j.api.InfillRequest.DEFAULT_INITIAL_MASKS + ")"), text);
        assertTrue(text.contains("max(initial masks, " + dev.dream4j.api.InfillRequest.DEFAULT_MAX_NEW_TOKENS + ")"), text);
        assertTrue(text.contains("per step (default: " + dev.dream4j.api.InfillRequest.DEFAULT_TOKENS_PER_STEP + ")"), text);
        // more initial masks than the default middle: the middle grows to them, as in the API and the server
        Run big = cli("infill", "--model", "demo", "--prefix", "def f(x):\n", "--suffix", "\n", "--initial-masks", "70",
                "--tokens-per-step", "16", "--strategy", "fixed", "--temperature", "0", "--json");
        assertEquals(0, big.exit(), big.err());
        assertEquals(70, big.json().get("middle_ids").size());
    }

    @Test
    void infillBadInputIsTyped() throws Exception {
        Run empty = cli("infill", "--model", "demo", "--prefix", "", "--suffix", "", "--initial-masks", "4", "--max-new-tokens", "8");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, empty.exit());
        assertTrue(empty.err().contains("prefix"), empty.err());
        Run zero = cli("infill", "--model", "demo", "--prefix", "a", "--suffix", "b", "--initial-masks", "0");
        assertTrue(zero.err().contains("initial_masks"), zero.err());
        Run tooMany = cli("infill", "--model", "demo", "--prefix", "a", "--suffix", "b", "--initial-masks", "9", "--max-new-tokens", "8");
        assertTrue(tooMany.err().contains("max_new_tokens"), tooMany.err());
        Path noExpand = tmp.resolve("no-expand");
        assertEquals(0, cli("synth-checkpoint", "--out", noExpand.toString(), "--no-expand-token").exit());
        Run unsupported = cli("infill", "--model", noExpand.toString(), "--prefix", "a", "--suffix", "b", "--strategy", "dreamon");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, unsupported.exit());
        assertTrue(unsupported.err().contains("expand token"), unsupported.err());
        Run fixed = cli("infill", "--model", noExpand.toString(), "--prefix", "def f", "--suffix", "x", "--json");
        assertEquals(0, fixed.exit(), fixed.err());
        assertEquals(4, fixed.json().get("middle_ids").size());
    }

    @Test
    void bothBackendsGenerateTheSameTokensAtTemperatureZero() throws Exception {
        String[] common = {"generate", "--model", "demo", "--prompt", "def fibonacci(n):\n", "--max-new-tokens", "24",
                "--steps", "24", "--sampler", "entropy", "--temperature", "0", "--json", "--backend"};
        Run cpu = cli(concat(common, "java-cpu"));
        Run onnx = cli(concat(common, "onnx"));
        assertEquals(0, cpu.exit(), cpu.err());
        assertEquals(0, onnx.exit(), onnx.err());
        assertEquals(cpu.json().get("generated_ids"), onnx.json().get("generated_ids"));
        Run int4 = cli(concat(common, "onnx", "--backend-option", "onnx.weights=int4"));
        assertEquals(0, int4.exit(), int4.err());
        assertEquals(24, int4.json().get("generated_ids").size());
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void aRowOfALeftPaddedBatchDecodesAsItWouldAlone() {
        try (dev.dream4j.api.DiffusionLM lm = dev.dream4j.Dream4j.builder().model(dev.dream4j.demo.DemoModel.directory()).build()) {
            var base = dev.dream4j.api.GenerationRequest.builder().maxNewTokens(16).steps(16).sampler("entropy")
                    .temperature(0).seed(1);
            var longPrompt = dev.dream4j.api.Prompt.text("import os\nimport sys\n\ndef main(argv):\n");
            var shortPrompt = dev.dream4j.api.Prompt.text("def f(x):\n");
            var batch = lm.generate(base.prompts(List.of(longPrompt, shortPrompt)).build());
            var aloneShort = lm.generate(base.prompts(List.of(shortPrompt)).build());
            var aloneLong = lm.generate(base.prompts(List.of(longPrompt)).build());
            assertEquals(2, batch.sequences().size());
            assertEquals(aloneLong.first().generatedIds(), batch.sequences().get(0).generatedIds());
            assertEquals(aloneShort.first().generatedIds(), batch.sequences().get(1).generatedIds(),
                    "the padded row decodes as it does alone (padding invariance + equal mask counts)");
        }
    }

    @Test
    void tokensHookPinsATokenAsInDreamsTokenControlDemo() {
        try (dev.dream4j.api.DiffusionLM lm = dev.dream4j.Dream4j.builder().model(dev.dream4j.demo.DemoModel.directory()).build()) {
            int pinned = lm.encode("return").getFirst();
            var prompt = lm.encode("def f(x):\n");
            var r = lm.generate(dev.dream4j.api.GenerationRequest.builder().promptIds(prompt).maxNewTokens(12).steps(12)
                    .sampler("entropy").temperature(0).seed(1)
                    .tokensHook((step, canvas) -> {
                        if (step == -1) {
                            canvas.set(0, prompt.size() + 5, pinned);
                        }
                    }).build());
            assertEquals(pinned, r.first().generatedIds().get(5));
        }
    }

    @Test
    void tokensHookRunsInBlockDecodingWithACache() {
        try (dev.dream4j.api.DiffusionLM lm = dev.dream4j.Dream4j.builder().model(dev.dream4j.demo.DemoModel.directory()).build()) {
            int pinned = lm.encode("return").getFirst();
            var prompt = lm.encode("def f(x):\n");
            var request = dev.dream4j.api.GenerationRequest.builder().promptIds(prompt).maxNewTokens(12).steps(12)
                    .sampler("entropy").temperature(0).seed(1).blockLength(4).cache(dev.dream4j.api.CacheMode.PREFIX);
            var plain = lm.generate(request.build());
            var hooked = lm.generate(request.tokensHook((step, canvas) -> {
                if (step == -1) {
                    canvas.set(0, prompt.size() + 5, pinned);
                }
            }).build());
            assertEquals(pinned, hooked.first().generatedIds().get(5));
            assertNotEquals(plain.first().generatedIds(), hooked.first().generatedIds());
        }
    }

    @Test
    void aListenerStopReturnsTheSettledPrefix() {
        try (dev.dream4j.api.DiffusionLM lm = dev.dream4j.Dream4j.builder().model(dev.dream4j.demo.DemoModel.directory()).build()) {
            int mask = lm.info().specialTokens().get("mask");
            var request = dev.dream4j.api.GenerationRequest.builder().prompt("def add(a, b):\n").maxNewTokens(16).steps(16)
                    .sampler("entropy").temperature(0).seed(1).build();
            var stopped = lm.generate(request, step -> step.step() == 5
                    ? dev.dream4j.api.DenoisingListener.Decision.STOP : dev.dream4j.api.DenoisingListener.Decision.CONTINUE);
            var full = lm.generate(request);
            assertEquals(dev.dream4j.api.GenerationResult.FinishReason.STOPPED, stopped.finishReason());
            assertEquals(dev.dream4j.api.GenerationResult.FinishReason.COMPLETED, full.finishReason());
            assertEquals(6, stopped.steps());
            List<Integer> ids = stopped.first().generatedIds();
            assertTrue(ids.contains(mask), "masked slots keep the mask id: " + ids);
            // committed slots never change: the stopped canvas is a snapshot of the full run's trajectory
            for (int j = 0; j < ids.size(); j++) {
                if (ids.get(j) != mask) {
                    assertEquals(full.first().generatedIds().get(j), ids.get(j), "slot " + j);
                }
            }
            int firstMask = ids.indexOf(mask);
            int eos = lm.info().specialTokens().get("eos");
            List<Integer> settled = ids.subList(0, firstMask);
            int end = settled.indexOf(eos);
            assertEquals(lm.decode(end < 0 ? settled : settled.subList(0, end), true), stopped.text());
        }
    }
}
