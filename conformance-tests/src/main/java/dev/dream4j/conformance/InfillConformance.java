package dev.dream4j.conformance;

import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.GenerationCancelledException;
import dev.dream4j.api.InfillResult;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.UnsupportedFeatureException;
import dev.dream4j.conformance.InfillHarness.Guess;
import dev.dream4j.conformance.InfillHarness.Recorder;
import dev.dream4j.conformance.InfillHarness.Script;
import dev.dream4j.conformance.InfillHarness.ScriptedBackend;
import dev.dream4j.conformance.InfillHarness.TaskBuilder;
import dev.dream4j.spi.SpiVersion;
import dev.dream4j.spi.infill.InfillStrategy;
import dev.dream4j.spi.infill.InfillStrategyProvider;
import dev.dream4j.spi.model.ModelDescription;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

import static dev.dream4j.conformance.InfillHarness.BOS;
import static dev.dream4j.conformance.InfillHarness.EOS;
import static dev.dream4j.conformance.InfillHarness.EXPAND;
import static dev.dream4j.conformance.InfillHarness.MASK;
import static dev.dream4j.conformance.InfillHarness.concat;
import static dev.dream4j.conformance.InfillHarness.repeat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The infill strategy conformance suite (rules in {@code conformance-tests/RULES.md}). Extend it in the
 * plug-in's tests, return the provider, and declare the capabilities the strategy has:
 *
 * <pre>{@code
 * class MyInfillConformanceTest extends InfillConformance {
 *     protected InfillStrategyProvider provider() { return new MyInfillProvider(); }
 *     protected boolean variableLength() { return true; }
 * }
 * }</pre>
 *
 * Every rule runs on {@link InfillHarness}'s scripted backend, greedy unless stated, with expectations derived by
 * hand in the rule. Rules for a capability the strategy does not declare are skipped (JUnit assumptions).
 */
public abstract class InfillConformance {

    /** The provider under test. */
    protected abstract InfillStrategyProvider provider();

    /**
     * True for DreamOn-style strategies: {@code <|expand|>} turns a slot into two masks, the delete id removes a slot,
     * the middle grows up to {@code max_new_tokens}; such a strategy needs an expand token. Gates I1-I4 and I13; false
     * gates I12 (the middle keeps {@code m0} slots).
     */
    protected boolean variableLength() {
        return false;
    }

    /** True when the strategy accepts {@code tokens_per_step > 1}; otherwise it must refuse it (I5). */
    protected boolean multipleTokensPerStep() {
        return true;
    }

    private InfillStrategy strategy() {
        InfillStrategy s = provider().create();
        assertNotNull(s, "[I0] create returned null");
        return s;
    }

    private static TaskBuilder task(ScriptedBackend backend) {
        return new TaskBuilder(backend);
    }

    private static ScriptedBackend backend(Script script) {
        return new ScriptedBackend(InfillHarness.dreamOn(), script);
    }

    private static int firstMask(int[] w) {
        for (int j = 0; j < w.length; j++) {
            if (w[j] == MASK) {
                return j;
            }
        }
        return -1;
    }

    private static int lastMask(int[] w) {
        for (int j = w.length - 1; j >= 0; j--) {
            if (w[j] == MASK) {
                return j;
            }
        }
        return -1;
    }

    private static int[] ids(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    private static int count(int[] a, int token) {
        return (int) Arrays.stream(a).filter(t -> t == token).count();
    }

    @Test
    public void rule_I0_providerIsWellFormed() {
        InfillStrategyProvider p = provider();
        assertNotNull(p.name(), "[I0] name");
        assertTrue(p.name().matches("[a-z0-9][a-z0-9._-]*"), "[I0] name must be lower-case, digits, '-', '_' or '.': " + p.name());
        assertEquals(SpiVersion.MAJOR, p.spiVersion(), "[I0] built against another SPI major version");
        assertNotNull(p.description(), "[I0] description");
        assertNotNull(p.create(), "[I0] create returned null");
        assertTrue(p.supports(InfillHarness.dreamOn()), "[I0] every strategy must support a DreamOn checkpoint");
    }

    /** [bos] 1 2 [M M] 3 [eos]: the first mask becomes <|expand|>, then everything becomes 5. */
    @Test
    public void rule_I1_expandGrowsWindowByOne() {
        assumeTrue(variableLength(), "I1 applies to variable-length strategies");
        ScriptedBackend b = backend((f, w, j) -> f == 0 && j == firstMask(w) ? Guess.of(EXPAND, 20) : Guess.of(5, 1));
        Recorder rec = new Recorder();
        InfillResult r = strategy().infill(task(b).prefix(1, 2).suffix(3).initialMasks(2).maxNewTokens(8).listener(rec).build());
        assertArrayEquals(new int[]{BOS, 1, 2, MASK, MASK, MASK, 3, EOS}, rec.canvas(0),
                "[I1] one <|expand|> turns its slot into two masks: the window grows from 7 to 8");
        assertEquals(List.of(5, 5, 5), r.middleIds(), "[I1] the grown middle is filled");
        assertEquals(1, r.expansions(), "[I1] expansions");
        assertEquals(0, r.deletions(), "[I1] deletions");
        assertEquals(4, r.steps(), "[I1] one step to expand, three to fill");
        for (int i = 1; i < 4; i++) {
            assertEquals(8, rec.canvas(i).length, "[I1] the window keeps its new length at step " + i);
        }
    }

    /**
     * [bos] 1 2 [M M M] 3 [eos], max_new_tokens 4: the last mask becomes the delete id, then the first mask expands
     * until the middle is 4 again (the appended mask keeps the capacity), then 6 fills it.
     */
    @Test
    public void rule_I2_deleteShrinksAndAppendsMask() {
        assumeTrue(variableLength(), "I2 applies to variable-length strategies");
        ScriptedBackend b = backend((f, w, j) -> {
            if (f == 0) {
                return j == lastMask(w) ? Guess.of(InfillHarness.DELETE, 20) : Guess.of(4, 1);
            }
            return j == firstMask(w) ? Guess.of(EXPAND, 20, 6) : Guess.of(6, 1);
        });
        Recorder rec = new Recorder();
        InfillResult r = strategy().infill(task(b).prefix(1, 2).suffix(3).initialMasks(3).maxNewTokens(4).listener(rec).build());
        assertArrayEquals(new int[]{BOS, 1, 2, MASK, MASK, 3, EOS}, rec.canvas(0),
                "[I2] the committed delete is removed: the window shrinks by one, the other masks stay");
        assertArrayEquals(new int[]{BOS, 1, 2, MASK, MASK, MASK, 3, EOS}, rec.canvas(1), "[I2] expand after delete");
        assertArrayEquals(new int[]{BOS, 1, 2, MASK, MASK, MASK, MASK, 3, EOS}, rec.canvas(2),
                "[I2] the middle grows back to max_new_tokens = 4: a delete does not cost capacity");
        assertArrayEquals(new int[]{BOS, 1, 2, 6, MASK, MASK, MASK, 3, EOS}, rec.canvas(3),
                "[I2] at the limit <|expand|> is blocked and the runner-up 6 is committed");
        assertEquals(List.of(6, 6, 6, 6), r.middleIds(), "[I2] middle");
        assertEquals(1, r.deletions(), "[I2] deletions");
        assertEquals(2, r.expansions(), "[I2] expansions");
        assertEquals(7, r.steps(), "[I2] steps");
    }

    /** Every mask wants <|expand|> (runner-up 6); budget 2 allows two expansions, budget 0 none. */
    @Test
    public void rule_I3_budgetRespected() {
        assumeTrue(variableLength(), "I3 applies to variable-length strategies");
        Script greedyExpand = (f, w, j) -> Guess.of(EXPAND, 20, 6);
        Recorder rec = new Recorder();
        InfillResult r = strategy().infill(task(backend(greedyExpand)).prefix(1).suffix(2).initialMasks(1)
                .maxNewTokens(10).expandBudget(2).listener(rec).build());
        assertEquals(2, r.expansions(), "[I3] exactly the budget of expansions");
        assertEquals(List.of(6, 6, 6), r.middleIds(), "[I3] 1 + 2 slots, filled with the runner-up");
        assertEquals(5, r.steps(), "[I3] two expansions, three commits");
        int[] lengths = rec.steps().stream().mapToInt(s -> s.canvas().getFirst().size()).toArray();
        assertArrayEquals(new int[]{6, 7, 7, 7, 7}, lengths, "[I3] window lengths per step");
        for (DenoisingStep s : rec.steps()) {
            assertFalse(s.canvas().getFirst().contains(EXPAND), "[I3] an <|expand|> was left in the canvas");
        }
        InfillResult none = strategy().infill(task(backend(greedyExpand)).prefix(1).suffix(2).initialMasks(1)
                .maxNewTokens(10).expandBudget(0).build());
        assertEquals(0, none.expansions(), "[I3] budget 0 allows no expansion");
        assertEquals(List.of(6), none.middleIds(), "[I3] budget 0 middle");
        assertEquals(1, none.steps(), "[I3] budget 0 steps");
    }

    /** The middle stops growing at max_new_tokens, and the window at the model's context length. */
    @Test
    public void rule_I4_contextLimitRespected() {
        assumeTrue(variableLength(), "I4 applies to variable-length strategies");
        Script greedyExpand = (f, w, j) -> Guess.of(EXPAND, 20, 6);
        Recorder rec = new Recorder();
        InfillResult r = strategy().infill(task(backend(greedyExpand)).prefix(1).suffix(2).initialMasks(1)
                .maxNewTokens(3).listener(rec).build());
        assertEquals(List.of(6, 6, 6), r.middleIds(), "[I4] the middle grows to max_new_tokens = 3 and no further");
        assertEquals(2, r.expansions(), "[I4] expansions up to max_new_tokens");
        for (DenoisingStep s : rec.steps()) {
            assertTrue(s.canvas().getFirst().size() <= 7, "[I4] window above [bos] 1 + 3 + 2 [eos] = 7");
        }
        // context 8: [bos] 1 M 2 [eos] may grow to 8 tokens, a middle of 4, although max_new_tokens is 50
        ScriptedBackend small = new ScriptedBackend(InfillHarness.model(true, true, 8), greedyExpand);
        Recorder rec2 = new Recorder();
        InfillResult r2 = strategy().infill(task(small).prefix(1).suffix(2).initialMasks(1).maxNewTokens(50)
                .listener(rec2).build());
        assertEquals(List.of(6, 6, 6, 6), r2.middleIds(), "[I4] the window stops at the context length 8");
        assertEquals(3, r2.expansions(), "[I4] expansions up to the context");
        for (DenoisingStep s : rec2.steps()) {
            assertTrue(s.canvas().getFirst().size() <= 8, "[I4] window above the context length");
        }
        for (InfillHarness.Forward fw : small.forwards()) {
            assertTrue(fw.window().length <= 8, "[I4] forward above the context length");
        }
    }

    /** Four masks, one token each step: four forwards; more per step: fewer; none after the last mask. */
    @Test
    public void rule_I5_endsWhenNoMasksRemain() {
        Script sevens = (f, w, j) -> Guess.of(7, 5);
        ScriptedBackend b = backend(sevens);
        InfillResult r = strategy().infill(task(b).prefix(1, 2).suffix(3).initialMasks(4).maxNewTokens(4).build());
        assertEquals(List.of(7, 7, 7, 7), r.middleIds(), "[I5] middle");
        assertEquals(4, r.steps(), "[I5] one step per mask");
        assertEquals(4, b.forwards().size(), "[I5] no forward after the last mask");
        ScriptedBackend b3 = backend(sevens);
        if (multipleTokensPerStep()) {
            InfillResult r3 = strategy().infill(task(b3).prefix(1, 2).suffix(3).initialMasks(4).maxNewTokens(4)
                    .tokensPerStep(3).build());
            assertEquals(List.of(7, 7, 7, 7), r3.middleIds(), "[I5] middle, 3 per step");
            assertEquals(2, r3.steps(), "[I5] 4 masks at 3 per step take 2 steps");
            assertEquals(2, b3.forwards().size(), "[I5] forwards, 3 per step");
            ScriptedBackend b8 = backend(sevens);
            InfillResult r8 = strategy().infill(task(b8).prefix(1, 2).suffix(3).initialMasks(4).maxNewTokens(4)
                    .tokensPerStep(8).build());
            assertEquals(1, r8.steps(), "[I5] more tokens per step than masks: one step");
        } else {
            assertThrows(UnsupportedFeatureException.class, () -> strategy().infill(task(b3).prefix(1, 2).suffix(3)
                    .initialMasks(4).maxNewTokens(4).tokensPerStep(3).build()), "[I5] tokens_per_step 3 must be refused");
            assertEquals(0, b3.forwards().size(), "[I5] refused before any forward");
        }
    }

    /** A script that expands, deletes and commits in turn; plus (multi-token) two expansions at the limit. */
    private static Script mixed() {
        return (f, w, j) -> switch (f % 3) {
            case 0 -> j == firstMask(w) ? Guess.of(EXPAND, 20, 8) : Guess.of(10, 1);
            case 1 -> j == lastMask(w) ? Guess.of(EOS, 20, 8) : Guess.of(10, 1);
            default -> Guess.of(9, 3);
        };
    }

    @Test
    public void rule_I6_prefixAndSuffixNeverAltered() {
        for (boolean bos : new boolean[]{true, false}) {
            ScriptedBackend b = new ScriptedBackend(InfillHarness.model(true, bos, 64), mixed());
            Recorder rec = new Recorder();
            InfillResult r = strategy().infill(task(b).prefix(1, 2, 3).suffix(4, 5).initialMasks(3).maxNewTokens(6)
                    .listener(rec).build());
            int[] head = bos ? new int[]{BOS, 1, 2, 3} : new int[]{1, 2, 3};
            int[] tail = {4, 5, EOS};
            for (int i = 0; i < rec.steps().size(); i++) {
                int[] c = rec.canvas(i);
                assertArrayEquals(head, Arrays.copyOf(c, head.length), "[I6] prefix altered at step " + i + " (bos " + bos + ")");
                assertArrayEquals(tail, Arrays.copyOfRange(c, c.length - 3, c.length), "[I6] suffix altered at step " + i);
            }
            assertFalse(r.middleIds().contains(MASK), "[I6] masks left in the middle");
        }
        if (variableLength() && multipleTokensPerStep()) {
            // [bos] 1 [M M] 2 3 [eos], max_new_tokens 3 -> capacity 8; both masks pick <|expand|> at window 7.
            // The reference would insert four masks and cut [eos] off; the suffix must survive.
            ScriptedBackend b = backend((f, w, j) -> Guess.of(EXPAND, 20, 6));
            Recorder rec = new Recorder();
            InfillResult r;
            try {
                r = strategy().infill(task(b).prefix(1).suffix(2, 3).initialMasks(2).maxNewTokens(3).tokensPerStep(2)
                        .listener(rec).build());
            } catch (Dream4jException reported) {
                return; // a typed error is an acceptable report of the overflow
            }
            for (int i = 0; i < rec.steps().size(); i++) {
                int[] c = rec.canvas(i);
                assertTrue(c.length <= 8, "[I6] window above the capacity 8 at step " + i);
                assertArrayEquals(new int[]{2, 3, EOS}, Arrays.copyOfRange(c, c.length - 3, c.length),
                        "[I6] suffix truncated by expansions at step " + i);
            }
            assertEquals(3, r.middleIds().size(), "[I6] the middle ends at max_new_tokens");
            assertEquals(1, r.expansions(), "[I6] only the expansion that fits counts");
        }
    }

    /** Each forward sees the live window: first the prompt layout, then the previous step's canvas. */
    @Test
    public void rule_I7_forwardSeesLiveWindow() {
        ScriptedBackend b = backend(mixed());
        Recorder rec = new Recorder();
        strategy().infill(task(b).prefix(1, 2).suffix(3).initialMasks(2).maxNewTokens(5).listener(rec).build());
        assertArrayEquals(new int[]{BOS, 1, 2, MASK, MASK, 3, EOS}, b.forwards().getFirst().window(),
                "[I7] the first forward sees [bos] prefix [MASK x m0] suffix [eos]");
        assertEquals(rec.steps().size(), b.forwards().size(), "[I7] one forward per step");
        for (int k = 1; k < b.forwards().size(); k++) {
            assertArrayEquals(rec.canvas(k - 1), b.forwards().get(k).window(), "[I7] forward " + k + " sees the canvas of step " + (k - 1));
        }
        // without bos the prompt starts with the prefix
        ScriptedBackend nb = new ScriptedBackend(InfillHarness.model(true, false, 64), (f, w, j) -> Guess.of(7, 5));
        strategy().infill(task(nb).prefix(1, 2).suffix(3).initialMasks(2).maxNewTokens(2).build());
        assertArrayEquals(new int[]{1, 2, MASK, MASK, 3, EOS}, nb.forwards().getFirst().window(),
                "[I7] without a bos id the prompt is prefix [MASK x m0] suffix [eos]");
    }

    @Test
    public void rule_I8_invalidRequestsRejected() {
        Script s = (f, w, j) -> Guess.of(7, 5);
        record Case(String what, ModelDescription model, UnaryOperator<TaskBuilder> edit) {
        }
        List<Case> cases = List.of(
                new Case("empty prefix and suffix", InfillHarness.dreamOn(), t -> t.prefix().suffix()),
                new Case("initial_masks 0", InfillHarness.dreamOn(), t -> t.initialMasks(0)),
                new Case("initial_masks -1", InfillHarness.dreamOn(), t -> t.initialMasks(-1)),
                new Case("initial_masks > max_new_tokens", InfillHarness.dreamOn(), t -> t.initialMasks(5).maxNewTokens(4)),
                new Case("prompt longer than the context", InfillHarness.model(true, true, 6),
                        t -> t.prefix(1, 2, 3).suffix(4).initialMasks(2).maxNewTokens(2)));
        for (Case c : cases) {
            ScriptedBackend b = new ScriptedBackend(c.model(), s);
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> strategy().infill(c.edit().apply(task(b)).build()), "[I8] " + c.what());
            assertNotNull(e.parameter(), "[I8] the exception names the parameter: " + c.what());
            assertFalse(e.parameter().isBlank(), "[I8] the exception names the parameter: " + c.what());
            assertEquals(0, b.forwards().size(), "[I8] no forward before validation: " + c.what());
        }
    }

    @Test
    public void rule_I9_listenerSeesEveryStepAndCanStop() {
        ScriptedBackend b = backend(mixed());
        Recorder rec = new Recorder();
        InfillResult r = strategy().infill(task(b).prefix(1, 2).suffix(3).initialMasks(3).maxNewTokens(5).listener(rec).build());
        assertEquals(r.steps(), rec.steps().size(), "[I9] one DenoisingStep per step");
        for (int i = 0; i < rec.steps().size(); i++) {
            DenoisingStep st = rec.steps().get(i);
            int[] c = rec.canvas(i);
            assertEquals(i, st.step(), "[I9] step index");
            assertTrue(st.totalSteps() >= r.steps(), "[I9] totalSteps is the iteration limit");
            assertEquals(count(c, MASK), st.masksLeft(), "[I9] masksLeft counts the canvas' masks at step " + i);
            assertEquals(1, st.canvas().size(), "[I9] one canvas row");
            for (int p : st.committed().getFirst()) {
                assertTrue(p >= 3 && p < c.length - 2, "[I9] committed position " + p + " outside the middle at step " + i);
                assertTrue(c[p] != MASK, "[I9] committed position " + p + " is still a mask at step " + i);
            }
        }
        ScriptedBackend stopped = backend((f, w, j) -> Guess.of(7, 5));
        GenerationCancelledException e = assertThrows(GenerationCancelledException.class,
                () -> strategy().infill(task(stopped).prefix(1, 2).suffix(3).initialMasks(4).maxNewTokens(4)
                        .listener(new Recorder(1)).build()), "[I9] STOP must cancel");
        assertEquals(2, e.stepsDone(), "[I9] STOP after step 1 means two steps done");
        assertEquals(2, stopped.forwards().size(), "[I9] no forward after STOP");
    }

    @Test
    public void rule_I10_resultMatchesLastCanvas() {
        ScriptedBackend b = backend(mixed());
        Recorder rec = new Recorder();
        InfillResult r = strategy().infill(task(b).prefix(1, 2, 3).suffix(4, 5).initialMasks(3).maxNewTokens(6)
                .listener(rec).build());
        int[] last = rec.canvas(rec.steps().size() - 1);
        assertEquals(Arrays.stream(Arrays.copyOfRange(last, 4, last.length - 3)).boxed().toList(), r.middleIds(),
                "[I10] middleIds is the last canvas between prefix and suffix");
        assertEquals(InfillHarness.decode(ids(r.middleIds())), r.middle(), "[I10] middle is task.decode(middleIds)");
        assertEquals(b.forwards().size(), r.steps(), "[I10] steps counts forwards");
        int grew = 0;
        int shrank = 0;
        int prev = 4 + 3 + 3;
        for (int i = 0; i < rec.steps().size(); i++) {
            int len = rec.canvas(i).length;
            grew += Math.max(0, len - prev);
            shrank += Math.max(0, prev - len);
            prev = len;
        }
        // one token per step: a step either expands, deletes or commits, so the length changes are the counts
        assertEquals(grew, r.expansions(), "[I10] expansions");
        assertEquals(shrank, r.deletions(), "[I10] deletions");
        if (!variableLength()) {
            assertEquals(0, r.expansions() + r.deletions(), "[I10] fixed length: no expansion or deletion");
        }
    }

    @Test
    public void rule_I11_deterministicPerSeed() {
        Script noisy = (f, w, j) -> variableLength() && f % 4 == 0 && j == firstMask(w)
                ? Guess.of(EXPAND, 3, 2)
                : Guess.of((j * 7 + f * 3) % 12, 2, (j + 5) % 12);
        int perStep = multipleTokensPerStep() ? 2 : 1;
        UnaryOperator<TaskBuilder> setup = t -> t.prefix(1, 2).suffix(3, 4).initialMasks(4).maxNewTokens(9)
                .tokensPerStep(perStep).temperature(1.0).algTemp(0.5).seed(42);
        Recorder rec1 = new Recorder();
        InfillResult r1 = strategy().infill(setup.apply(task(backend(noisy))).listener(rec1).build());
        Recorder rec2 = new Recorder();
        InfillResult r2 = CompletableFuture.supplyAsync(
                () -> provider().create().infill(setup.apply(task(backend(noisy))).listener(rec2).build())).join();
        assertEquals(r1, r2, "[I11] same seed, same result");
        assertEquals(rec1.steps(), rec2.steps(), "[I11] same seed, same steps");
    }

    @Test
    public void rule_I12_fixedLengthKeepsInitialMasks() {
        assumeTrue(!variableLength(), "I12 applies to fixed-length strategies");
        Recorder rec = new Recorder();
        InfillResult r = strategy().infill(task(backend((f, w, j) -> Guess.of(EXPAND, 20, 6))).prefix(1, 2).suffix(3)
                .initialMasks(3).maxNewTokens(8).listener(rec).build());
        assertEquals(List.of(6, 6, 6), r.middleIds(), "[I12] <|expand|> is never committed; the runner-up is");
        for (int i = 0; i < rec.steps().size(); i++) {
            assertEquals(8, rec.canvas(i).length, "[I12] the canvas keeps its length at step " + i);
        }
        InfillResult d = strategy().infill(task(backend((f, w, j) -> Guess.of(EOS, 20))).prefix(1, 2).suffix(3)
                .initialMasks(3).maxNewTokens(8).build());
        assertEquals(List.of(EOS, EOS, EOS), d.middleIds(), "[I12] eos is a token here, not a deletion");
        assertEquals(0, d.deletions(), "[I12] deletions");
        ScriptedBackend plain = new ScriptedBackend(InfillHarness.model(false, true, 64), (f, w, j) -> Guess.of(7, 5));
        assertTrue(provider().supports(plain.model()), "[I12] a fixed-length strategy supports checkpoints without expand");
        assertEquals(List.of(7, 7), strategy().infill(task(plain).initialMasks(2).build()).middleIds(), "[I12] no expand token");
    }

    @Test
    public void rule_I13_requiresExpandToken() {
        assumeTrue(variableLength(), "I13 applies to variable-length strategies");
        ModelDescription plain = InfillHarness.model(false, true, 64);
        assertFalse(provider().supports(plain), "[I13] supports() must be false without an <|expand|> token");
        ScriptedBackend b = new ScriptedBackend(plain, (f, w, j) -> Guess.of(7, 5));
        try {
            strategy().infill(task(b).build());
            fail("[I13] a checkpoint without <|expand|> must be refused");
        } catch (UnsupportedFeatureException expected) {
            assertEquals(0, b.forwards().size(), "[I13] refused before any forward");
        }
    }
}
