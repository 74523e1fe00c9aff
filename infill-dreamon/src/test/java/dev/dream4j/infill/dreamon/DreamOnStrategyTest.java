package dev.dream4j.infill.dreamon;

import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.InfillResult;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.UnsupportedFeatureException;
import dev.dream4j.conformance.InfillHarness.Guess;
import dev.dream4j.conformance.InfillHarness.Recorder;
import dev.dream4j.conformance.InfillHarness.Script;
import dev.dream4j.conformance.InfillHarness.ScriptedBackend;
import dev.dream4j.conformance.InfillHarness.TaskBuilder;
import dev.dream4j.conformance.InfillHarness;
import dev.dream4j.spi.infill.InfillStrategy;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.SlotSelector;
import dev.dream4j.spi.sampling.StepDecision;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

import static dev.dream4j.conformance.InfillHarness.BOS;
import static dev.dream4j.conformance.InfillHarness.DELETE;
import static dev.dream4j.conformance.InfillHarness.EOS;
import static dev.dream4j.conformance.InfillHarness.EXPAND;
import static dev.dream4j.conformance.InfillHarness.MASK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The DreamOn loops on the scripted backend; every expected canvas is worked out by hand in the comments
 * (B = bos, M = mask, X = delete = eos, E = eos).
 */
class DreamOnStrategyTest {
    static final int M = MASK;
    static final int B = BOS;
    static final int E = EOS;

    static InfillStrategy hf() {
        return new DreamOnInfillProvider().create();
    }

    static InfillStrategy eval() {
        return new DreamOnEvalInfillProvider().create();
    }

    static ScriptedBackend backend(Script s) {
        return new ScriptedBackend(InfillHarness.dreamOn(), s);
    }

    static int first(int[] w) {
        for (int j = 0; j < w.length; j++) {
            if (w[j] == M) {
                return j;
            }
        }
        return -1;
    }

    static int last(int[] w) {
        for (int j = w.length - 1; j >= 0; j--) {
            if (w[j] == M) {
                return j;
            }
        }
        return -1;
    }

    /**
     * HF order is delete, then expand. [B 1 M M M 2 E], max_new 4 -> capacity 8; 3 per step; slots 2 and 3 pick
     * expand, slot 4 picks delete. Delete 4: [B 1 x x 2 E] (W 6); expand 3: W 7; expand 2: W 8 = [B 1 M M M M 2 E].
     * Expand first would apply one expansion (W 8), refuse the other, then delete (W 7).
     */
    @Test
    void hfDeletesBeforeExpanding() {
        ScriptedBackend b = backend((f, w, j) -> f > 0 ? Guess.of(7, 1) : j == 4 ? Guess.of(DELETE, 20) : Guess.of(EXPAND, 20));
        Recorder rec = new Recorder();
        InfillResult r = hf().infill(new TaskBuilder(b).prefix(1).suffix(2).initialMasks(3).maxNewTokens(4)
                .tokensPerStep(3).listener(rec).build());
        assertArrayEquals(new int[]{B, 1, M, M, M, M, 2, E}, rec.canvas(0));
        assertEquals(List.of(), rec.steps().getFirst().committed().getFirst(), "expanded and deleted slots are not listed");
        assertEquals(2, r.expansions());
        assertEquals(1, r.deletions());
        assertEquals(List.of(7, 7, 7, 7), r.middleIds());
        assertEquals(3, r.steps(), "one structural step, then 4 masks at 3 per step");
    }

    /** The same state edited in the eval order: expand 3 (W 7 -> 8), expand 2 refused (re-masked), delete 4 (W 7). */
    @Test
    void evalOrderExpandsFirstAndRefusesPastCapacity() {
        int[] x = {B, 1, EXPAND, EXPAND, DELETE, 2, E, E};
        boolean[] fresh = {false, false, true, true, true, false, false, false};
        DreamOnStrategy.Edit edit = new DreamOnStrategy.Edit(x, fresh, 2, 2, 8, M);
        edit.nGen = 3;
        edit.budget = 10;
        assertEquals(1, edit.expand(EXPAND));
        assertArrayEquals(new int[]{B, 1, M, M, M, DELETE, 2, E}, x);
        assertEquals(1, edit.delete(DELETE));
        assertArrayEquals(new int[]{B, 1, M, M, M, 2, E, M}, x, "a mask is appended at the very end");
        assertEquals(3, edit.nGen);
        assertEquals(9, edit.budget);
    }

    /** A refused expansion never drops the suffix: [B 1 EX EX 2 E] at capacity 6 (W 6): both refused. */
    @Test
    void expansionAtCapacityIsRefusedNotTruncated() {
        int[] x = {B, 1, EXPAND, EXPAND, 2, E};
        boolean[] fresh = {false, false, true, true, false, false};
        DreamOnStrategy.Edit edit = new DreamOnStrategy.Edit(x, fresh, 2, 2, 6, M);
        edit.nGen = 2;
        edit.budget = 5;
        assertEquals(0, edit.expand(EXPAND));
        assertArrayEquals(new int[]{B, 1, M, M, 2, E}, x);
        assertEquals(5, edit.budget);
        // and with room but no budget
        int[] y = {B, 1, EXPAND, 2, E, E};
        DreamOnStrategy.Edit noBudget = new DreamOnStrategy.Edit(y, new boolean[6], 2, 2, 6, M);
        noBudget.nGen = 1;
        noBudget.budget = 0;
        assertEquals(0, noBudget.expand(EXPAND));
        assertArrayEquals(new int[]{B, 1, M, 2, E, E}, y);
    }

    /**
     * pad_delete_to_right: [B 1 M M M M 2 E]; slot 3 commits X, so the still-masked 4 and 5 become X too and all
     * three go: [B 1 M 2 E]. Without the flag only 3 goes: [B 1 M M M 2 E].
     */
    @Test
    void padDeleteToRight() {
        Script s = (f, w, j) -> f == 0 ? (j == 3 ? Guess.of(DELETE, 20) : Guess.of(7, 1)) : Guess.of(7, 1);
        Recorder on = new Recorder();
        InfillResult r = hf().infill(new TaskBuilder(backend(s)).prefix(1).suffix(2).initialMasks(4).maxNewTokens(4)
                .padDeleteToRight(true).listener(on).build());
        assertArrayEquals(new int[]{B, 1, M, 2, E}, on.canvas(0));
        assertEquals(3, r.deletions());
        assertEquals(List.of(7), r.middleIds());
        Recorder off = new Recorder();
        InfillResult r2 = hf().infill(new TaskBuilder(backend(s)).prefix(1).suffix(2).initialMasks(4).maxNewTokens(4)
                .listener(off).build());
        assertArrayEquals(new int[]{B, 1, M, M, M, 2, E}, off.canvas(0));
        assertEquals(1, r2.deletions());
        assertEquals(List.of(7, 7, 7), r2.middleIds());
    }

    /**
     * As in the reference, pad_delete_to_right also overwrites a token committed in the same step after the first
     * delete: [B 1 M M M 2 E], 2 per step, slot 2 -> X (20), slot 4 -> 7 (10), slot 3 -> 7 (1). Slots 2 and 4 are
     * committed, then 2, 3, 4 are all >= the first delete: everything is deleted, the middle is empty.
     */
    @Test
    void padDeleteOverwritesFreshTokensToTheRight() {
        Script s = (f, w, j) -> j == 2 ? Guess.of(DELETE, 20) : j == 4 ? Guess.of(7, 10) : Guess.of(7, 1);
        Recorder rec = new Recorder();
        InfillResult r = hf().infill(new TaskBuilder(backend(s)).prefix(1).suffix(2).initialMasks(3).maxNewTokens(3)
                .tokensPerStep(2).padDeleteToRight(true).listener(rec).build());
        assertArrayEquals(new int[]{B, 1, 2, E}, rec.canvas(0));
        assertEquals(List.of(), r.middleIds());
        assertEquals("", r.middle());
        assertEquals(3, r.deletions());
        assertEquals(1, r.steps());
    }

    /** An eos inside the user's prefix is not a generated delete: pad-delete ignores it ([B 1 E M M 2 E]). */
    @Test
    void eosInPrefixDoesNotTriggerPadDelete() {
        InfillResult r = hf().infill(new TaskBuilder(backend((f, w, j) -> Guess.of(7, 1))).prefix(1, E).suffix(2)
                .initialMasks(2).maxNewTokens(2).padDeleteToRight(true).build());
        assertEquals(List.of(7, 7), r.middleIds());
        assertEquals(0, r.deletions());
    }

    /** An expand id inside the user's prefix is text, not an instruction: [B 12 M 2 E] keeps its prefix. */
    @Test
    void expandIdInPrefixIsLeftAlone() {
        Recorder rec = new Recorder();
        InfillResult r = hf().infill(new TaskBuilder(backend((f, w, j) -> Guess.of(7, 1))).prefix(EXPAND).suffix(2)
                .initialMasks(1).maxNewTokens(4).listener(rec).build());
        assertArrayEquals(new int[]{B, EXPAND, 7, 2, E}, rec.canvas(0));
        assertEquals(0, r.expansions());
    }

    /**
     * Default budgets differ: the script alternates "expand the first mask" and "delete the last mask".
     * [B 1 M 2 E], max_new 2 -> capacity 6, maxGen 4. Eval: budget = max_new = 2: expand, delete, expand, delete,
     * then blocked -> 6: 5 steps. HF: budget = 2 * maxGen = 8: eight expand/delete rounds, then 6: 17 steps.
     */
    @Test
    void defaultBudgets() {
        Script s = (f, w, j) -> f % 2 == 0
                ? (j == first(w) ? Guess.of(EXPAND, 20, 6) : Guess.of(6, 1))
                : (j == last(w) ? Guess.of(DELETE, 20) : Guess.of(6, 1));
        UnaryOperator<TaskBuilder> t = b -> b.prefix(1).suffix(2).initialMasks(1).maxNewTokens(2);
        InfillResult ev = eval().infill(t.apply(new TaskBuilder(backend(s))).build());
        assertEquals(2, ev.expansions());
        assertEquals(2, ev.deletions());
        assertEquals(5, ev.steps());
        assertEquals(List.of(6), ev.middleIds());
        InfillResult h = hf().infill(t.apply(new TaskBuilder(backend(s))).build());
        assertEquals(8, h.expansions());
        assertEquals(8, h.deletions());
        assertEquals(17, h.steps());
        assertEquals(List.of(6), h.middleIds());
    }

    /** Eval stops after `steps` iterations even with masks left; they stay in the ids and the text skips them. */
    @Test
    void evalIsBoundedBySteps() {
        InfillResult r = eval().infill(new TaskBuilder(backend((f, w, j) -> Guess.of(7, 1))).prefix(1).suffix(2)
                .initialMasks(4).maxNewTokens(4).steps(2).build());
        assertEquals(List.of(7, 7, M, M), r.middleIds());
        assertEquals("t7 t7", r.middle());
        assertEquals(2, r.steps());
        InfillResult h = hf().infill(new TaskBuilder(backend((f, w, j) -> Guess.of(7, 1))).prefix(1).suffix(2)
                .initialMasks(4).maxNewTokens(4).steps(2).build());
        assertEquals(List.of(7, 7, 7, 7), h.middleIds(), "the HF loop ignores steps");
    }

    /** Eval: an eos commit always pads to the right ([B 1 M M M 2 E], slot 2 -> X: all three go). */
    @Test
    void evalAlwaysPadsDeletesToTheRight() {
        Script s = (f, w, j) -> j == 2 && f == 0 ? Guess.of(DELETE, 20) : Guess.of(7, 1);
        InfillResult r = eval().infill(new TaskBuilder(backend(s)).prefix(1).suffix(2).initialMasks(3).maxNewTokens(3).build());
        assertEquals(List.of(), r.middleIds());
        assertEquals(3, r.deletions());
    }

    /** Processors see the masked slots as canvas positions and may veto a token (then the runner-up wins). */
    @Test
    void processorsRunOnTheMaskedRows() {
        List<int[]> seen = new ArrayList<>();
        LogitsProcessor banSeven = (step, logits) -> {
            int[] pos = new int[logits.rows()];
            for (int r = 0; r < logits.rows(); r++) {
                pos[r] = logits.position(r);
                logits.logits().data()[logits.logits().offset(r) + 7] = Float.NEGATIVE_INFINITY;
            }
            seen.add(pos);
        };
        InfillResult r = hf().infill(new TaskBuilder(backend((f, w, j) -> Guess.of(7, 10, 8))).prefix(1, 2).suffix(3)
                .initialMasks(2).maxNewTokens(2).processors(List.of(banSeven)).build());
        assertEquals(List.of(8, 8), r.middleIds());
        assertArrayEquals(new int[]{3, 4}, seen.get(0));
        assertArrayEquals(new int[]{4}, seen.get(1));
    }

    /** temperature > 0: one draw per masked row; alg_temp > 0: one more per selected slot while masks > k. */
    @Test
    void drawCounts() {
        for (double algTemp : new double[]{0, 0.5}) {
            Counting rnd = new Counting();
            var task = new TaskBuilder(backend((f, w, j) -> Guess.of(7, 5))).prefix(1).suffix(2).initialMasks(3)
                    .maxNewTokens(3).temperature(1).algTemp(algTemp).build();
            var withRandom = new dev.dream4j.spi.infill.InfillTask(task.backend(), task.prefix(), task.suffix(),
                    task.initialMasks(), task.maxNewTokens(), task.tokensPerStep(), task.expandBudget(),
                    task.padDeleteToRight(), task.sampler(), task.params(), task.processors(), rnd, task.listener(),
                    task.decode());
            hf().infill(withRandom);
            // masks 3, 2, 1 -> 6 token draws; with alg_temp, steps with 3 and 2 masks draw one position each
            assertEquals(algTemp == 0 ? 6 : 8, rnd.calls, "alg_temp " + algTemp);
        }
    }

    /** Counts nextDouble calls; every draw is 0. */
    static final class Counting implements java.util.random.RandomGenerator {
        int calls;

        @Override
        public long nextLong() {
            throw new AssertionError("only nextDouble is expected");
        }

        @Override
        public double nextDouble() {
            calls++;
            return 0;
        }
    }

    /** The slot choice is the request sampler's: the strategy commits exactly what its selector returns. */
    @Test
    void theSamplersSelectorChoosesTheSlots() {
        // a selector that always commits the last masked slot with token 6, whatever the confidences
        SlotSelector last = (logits, count, random) -> new StepDecision(new int[]{logits.rows() - 1}, new int[]{6});
        InfillResult r = hf().infill(new TaskBuilder(backend((f, w, j) -> Guess.of(7, 5))).prefix(1).suffix(2)
                .initialMasks(3).maxNewTokens(3).sampler(last).build());
        assertEquals(List.of(6, 6, 6), r.middleIds());
        assertEquals(3, r.steps());
    }

    @Test
    void aSelectorThatCommitsNothingIsAnErrorNotASpin() {
        ScriptedBackend b = backend((f, w, j) -> Guess.of(7, 5));
        SlotSelector none = (logits, count, random) -> StepDecision.none();
        var e = assertThrows(Dream4jException.class, () -> hf().infill(new TaskBuilder(b).sampler(none).build()));
        assertTrue(e.getMessage().contains("committed none"), e.getMessage());
        assertEquals(1, b.forwards().size());
        SlotSelector twice = (logits, count, random) -> new StepDecision(new int[]{0, 0}, new int[]{6, 6});
        assertThrows(Dream4jException.class, () -> new FixedInfillProvider().create().infill(new TaskBuilder(
                backend((f, w, j) -> Guess.of(7, 5))).sampler(twice).build()));
    }

    @Test
    void theDefaultSamplerIsTheCheckpointsWhenItRanksSlotsElseEntropy() {
        // DreamOn checkpoints default to origin, which the reference refuses for infilling
        for (var p : List.of(new DreamOnInfillProvider(), new DreamOnEvalInfillProvider(), new FixedInfillProvider())) {
            assertEquals("entropy", p.defaultSampler(withAlg("origin")).orElseThrow(), p.name());
            assertEquals("entropy", p.defaultSampler(withAlg(null)).orElseThrow(), p.name());
            assertEquals("maskgit_plus", p.defaultSampler(withAlg("maskgit_plus")).orElseThrow(), p.name());
            assertEquals("entropy", p.defaultSampler(withAlg("low_confidence")).orElseThrow(), p.name());
        }
    }

    private static dev.dream4j.spi.model.ModelDescription withAlg(String alg) {
        var m = InfillHarness.model(true, true, 64);
        var d = m.defaults();
        var defaults = new dev.dream4j.spi.model.GenerationDefaults(d.maxNewTokens(), d.maxLength(), d.steps(),
                java.util.Optional.ofNullable(alg), d.temperature(), d.topP(), d.topK(), d.algTemp(), d.eps(), d.padPenalty());
        return new dev.dream4j.spi.model.ModelDescription(m.family(), m.spec(), m.recipe(), m.tensors(), m.tokens(),
                m.logitShift(), defaults, m.contextLength(), m.paddedPositions());
    }

    @Test
    void validationNamesTheParameter() {
        record Case(String parameter, InfillStrategy strategy, UnaryOperator<TaskBuilder> edit) {
        }
        List<Case> cases = List.of(
                new Case("prefix", hf(), t -> t.prefix().suffix()),
                new Case("initial_masks", hf(), t -> t.initialMasks(0)),
                new Case("max_new_tokens", hf(), t -> t.initialMasks(9).maxNewTokens(8)),
                new Case("expand_budget", hf(), t -> t.expandBudget(-1)),
                new Case("tokens_per_step", hf(), t -> t.tokensPerStep(0)),
                new Case("prefix", hf(), t -> t.prefix(1, M)),
                new Case("suffix", hf(), t -> t.suffix(M)),
                new Case("steps", eval(), t -> t.steps(0)),
                new Case("prefix", new FixedInfillProvider().create(), t -> t.prefix().suffix()));
        for (Case c : cases) {
            ScriptedBackend b = backend((f, w, j) -> Guess.of(7, 1));
            var e = assertThrows(InvalidRequestException.class, () -> c.strategy().infill(c.edit().apply(new TaskBuilder(b)).build()),
                    c.parameter());
            assertEquals(c.parameter(), e.parameter());
            assertEquals(0, b.forwards().size());
        }
        // [B 1 2 3 M M 4 E] = 8 tokens > context 7
        ScriptedBackend small = new ScriptedBackend(InfillHarness.model(true, true, 7), (f, w, j) -> Guess.of(7, 1));
        var e = assertThrows(InvalidRequestException.class, () -> hf().infill(new TaskBuilder(small).prefix(1, 2, 3)
                .suffix(4).initialMasks(2).maxNewTokens(2).build()));
        assertEquals("prompt", e.parameter());
        // exactly the context is fine
        ScriptedBackend exact = new ScriptedBackend(InfillHarness.model(true, true, 8), (f, w, j) -> Guess.of(7, 1));
        assertEquals(List.of(7, 7), hf().infill(new TaskBuilder(exact).prefix(1, 2, 3).suffix(4).initialMasks(2)
                .maxNewTokens(9).build()).middleIds());
    }

    @Test
    void evalRefusesSeveralTokensPerStep() {
        var e = assertThrows(UnsupportedFeatureException.class, () -> eval().infill(new TaskBuilder(backend((f, w, j) -> Guess.of(7, 1)))
                .tokensPerStep(2).build()));
        assertEquals("tokens_per_step", e.feature());
    }

    @Test
    void dreamOnWithoutExpandTokenIsUnsupported() {
        ScriptedBackend b = new ScriptedBackend(InfillHarness.model(false, true, 64), (f, w, j) -> Guess.of(7, 1));
        var e = assertThrows(UnsupportedFeatureException.class, () -> hf().infill(new TaskBuilder(b).build()));
        assertTrue(e.getMessage().contains("expand"), e.getMessage());
        assertTrue(e.getMessage().contains("fixed"), "the message points at the fixed strategy: " + e.getMessage());
    }

    @Test
    void providers() {
        assertEquals("dreamon", new DreamOnInfillProvider().name());
        assertEquals(10, new DreamOnInfillProvider().priority());
        assertEquals("dreamon-eval", new DreamOnEvalInfillProvider().name());
        assertEquals("fixed", new FixedInfillProvider().name());
        assertEquals(0, new FixedInfillProvider().priority());
        assertTrue(new DreamOnInfillProvider().priority() > new DreamOnEvalInfillProvider().priority());
        var names = java.util.ServiceLoader.load(dev.dream4j.spi.infill.InfillStrategyProvider.class).stream()
                .map(p -> p.get().name()).toList();
        assertTrue(names.containsAll(List.of("dreamon", "dreamon-eval", "fixed")), names.toString());
    }
}
