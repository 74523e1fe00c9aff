package dev.dream4j.infill.dreamon;

import dev.dream4j.api.InfillResult;
import dev.dream4j.conformance.InfillHarness.Guess;
import dev.dream4j.conformance.InfillHarness.Recorder;
import dev.dream4j.conformance.InfillHarness.ScriptedBackend;
import dev.dream4j.conformance.InfillHarness.TaskBuilder;
import dev.dream4j.conformance.InfillHarness;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.dream4j.conformance.InfillHarness.BOS;
import static dev.dream4j.conformance.InfillHarness.EOS;
import static dev.dream4j.conformance.InfillHarness.MASK;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fixed-length infilling on the scripted backend, by hand. */
class FixedInfillStrategyTest {

    /**
     * [B 1 M M M M M 2 E] on a model without expand; strength = position, so later slots are more confident;
     * 2 per step: {5, 6}, then {3, 4}, then {2}: three steps; the tokens are position + 1.
     */
    @Test
    void commitsByConfidenceTokensPerStep() {
        ScriptedBackend b = new ScriptedBackend(InfillHarness.model(false, true, 64), (f, w, j) -> Guess.of(j + 1, j));
        Recorder rec = new Recorder();
        InfillResult r = new FixedInfillProvider().create().infill(new TaskBuilder(b).prefix(1).suffix(2).initialMasks(5)
                .maxNewTokens(5).tokensPerStep(2).listener(rec).build());
        assertEquals(List.of(3, 4, 5, 6, 7), r.middleIds());
        assertEquals(3, r.steps());
        assertEquals(List.of(5, 6), rec.steps().get(0).committed().getFirst());
        assertEquals(List.of(3, 4), rec.steps().get(1).committed().getFirst());
        assertEquals(List.of(2), rec.steps().get(2).committed().getFirst());
        assertArrayEquals(new int[]{BOS, 1, MASK, MASK, MASK, 6, 7, 2, EOS}, rec.canvas(0));
        assertEquals(3, rec.steps().get(0).masksLeft());
        assertEquals(3, rec.steps().get(0).totalSteps(), "ceil(5 / 2) iterations planned");
        assertEquals("t3 t4 t5 t6 t7", r.middle());
    }

    /** max_new_tokens plays no part: the middle is m0 long even when max_new_tokens is larger. */
    @Test
    void ignoresMaxNewTokens() {
        ScriptedBackend b = new ScriptedBackend(InfillHarness.model(false, false, 64), (f, w, j) -> Guess.of(9, 1));
        InfillResult r = new FixedInfillProvider().create().infill(new TaskBuilder(b).prefix(1).suffix(2).initialMasks(2)
                .maxNewTokens(40).build());
        assertEquals(List.of(9, 9), r.middleIds());
        assertArrayEquals(new int[]{1, MASK, MASK, 2, EOS}, b.forwards().getFirst().window());
    }
}
