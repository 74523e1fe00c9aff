package dev.dream4j.kernel.engine;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.GenerationCancelledException;
import dev.dream4j.api.GenerationHooks;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendCapabilities;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.StepDecision;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loop's bookkeeping, with a backend that records its inputs and a sampler with a trivial rule. */
class DenoisingEngineTest {
    static final int VOCAB = 8;
    static final int MASK = 7;
    static final int PAD = 6;

    static ModelDescription model() {
        return model(1);
    }

    /** The scripted model with logit shift {@code shift}. */
    static ModelDescription model(int shift) {
        return dev.dream4j.kernel.ScriptedModels.describe(VOCAB, MASK, PAD, shift, 64);
    }

    /** Row r's logits: token (flat input slot of the row % 5) gets 1, the rest 0; records every batch. */
    static final class RecordingBackend implements Backend {
        final List<ForwardBatch> batches = new ArrayList<>();
        final List<int[]> tokens = new ArrayList<>();
        final List<int[]> rows = new ArrayList<>();

        @Override
        public ModelDescription model() {
            return DenoisingEngineTest.model();
        }

        @Override
        public BackendCapabilities capabilities() {
            return new BackendCapabilities(8, true, false, Set.of());
        }

        @Override
        public Logits forward(ForwardBatch batch) {
            batches.add(batch);
            int[] t = new int[batch.batch() * batch.length()];
            for (int b = 0; b < batch.batch(); b++) {
                for (int j = 0; j < batch.length(); j++) {
                    t[b * batch.length() + j] = batch.token(b, j);
                }
            }
            tokens.add(t);
            int[] r = new int[batch.rowCount()];
            Logits logits = Logits.allocate(batch.rowCount(), VOCAB);
            for (int i = 0; i < r.length; i++) {
                r[i] = batch.row(i);
                logits.data()[i * VOCAB + batch.row(i) % 5] = 1;
            }
            rows.add(r);
            return logits;
        }

        @Override
        public void close() {
        }
    }

    /** Commits the first masked row with its argmax token. */
    static final Sampler FIRST_ARGMAX = (ctx, logits, random) -> {
        int best = 0;
        for (int v = 1; v < logits.vocab(); v++) {
            if (logits.logits().get(0, v) > logits.logits().get(0, best)) best = v;
        }
        return new StepDecision(new int[]{0}, new int[]{best});
    };

    static ResolvedGeneration settings(int steps, int canvas, int prompt) {
        return new ResolvedGeneration("test", new SamplingParams(0, OptionalDouble.empty(), OptionalInt.empty(), 0, 1e-3, 0, steps),
                canvas, prompt, 1);
    }

    @Test
    void canvasWithoutPaddingHasPlainPositionsAndNoMask() {
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1, 2, 3}), 2);
        assertArrayEquals(new int[]{1, 2, 3, MASK, MASK}, c.tokens());
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, c.positions());
        assertNull(c.visible());
    }

    @Test
    void leftPaddingFollowsTheReference() {
        // Prompts of 3 and 1 tokens, 2 new: row 1 = [PAD, PAD, 5, M, M]; am = [0,0,1,1,1];
        // positions = cumsum(am) - 1 = [-1,-1,0,1,2] with pads set to 1 -> [1,1,0,1,2].
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1, 2, 3}, new int[]{5}), 2);
        assertArrayEquals(new int[]{1, 2, 3, MASK, MASK, PAD, PAD, 5, MASK, MASK}, c.tokens());
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 1, 1, 0, 1, 2}, c.positions());
        assertArrayEquals(new boolean[]{true, true, true, true, true, false, false, true, true, true}, c.visible());
    }

    @Test
    void aFamilyNumberingSlotsKeepsPositionsUnderPadding() {
        // LLaDA's model numbers positions 0..L-1 and hides padding only through the attention mask
        ModelDescription m = model();
        ModelDescription slotIndex = new ModelDescription(m.family(), m.spec(), m.recipe(), m.tensors(), m.tokens(), 0,
                m.defaults(), m.contextLength(), ModelDescription.PaddedPositions.SLOT_INDEX);
        DenoisingEngine.Canvas c = new DenoisingEngine(new RecordingBackend(), slotIndex)
                .canvas(List.of(new int[]{1, 2, 3}, new int[]{5}), 2);
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 0, 1, 2, 3, 4}, c.positions());
        assertArrayEquals(new boolean[]{true, true, true, true, true, false, false, true, true, true}, c.visible());
    }

    @Test
    void logitsAreShiftedByOneAndOnlyMaskedRowsAreAsked() {
        RecordingBackend backend = new RecordingBackend();
        DenoisingEngine engine = new DenoisingEngine(backend, model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1, 2, 3}), 3);
        engine.run(c, settings(3, 6, 3), FIRST_ARGMAX, List.of(), new SplittableRandom(1), DenoisingListener.NONE);
        // Step 0: masks at 3,4,5 are predicted by rows 2,3,4.
        assertArrayEquals(new int[]{2, 3, 4}, backend.rows.get(0));
        // Row 2 -> token 2 % 5 = 2 committed at position 3; then masks 4,5 -> rows 3,4; row 3 -> token 3 at 4.
        assertArrayEquals(new int[]{3, 4}, backend.rows.get(1));
        assertArrayEquals(new int[]{4}, backend.rows.get(2));
        assertArrayEquals(new int[]{1, 2, 3, 2, 3, 4}, c.tokens());
    }

    @Test
    void noForwardOnceTheCanvasIsFull() {
        RecordingBackend backend = new RecordingBackend();
        DenoisingEngine engine = new DenoisingEngine(backend, model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 2);
        int steps = engine.run(c, settings(5, 3, 1), FIRST_ARGMAX, List.of(), new SplittableRandom(1), DenoisingListener.NONE).steps();
        assertEquals(5, steps);
        assertEquals(2, backend.batches.size());
    }

    @Test
    void listenerSeesEveryStepAndCanCancel() {
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1, 2}), 3);
        List<DenoisingStep> seen = new ArrayList<>();
        var e = assertThrows(GenerationCancelledException.class, () -> engine.run(c, settings(3, 5, 2), FIRST_ARGMAX,
                List.of(), new SplittableRandom(1), step -> {
                    seen.add(step);
                    return seen.size() == 2 ? DenoisingListener.Decision.CANCEL : DenoisingListener.Decision.CONTINUE;
                }));
        assertEquals(2, e.stepsDone());
        assertEquals(2, seen.size());
        assertEquals(List.of(List.of(2)), seen.get(0).committed());
        assertEquals(List.of(1, 2, 1, MASK, MASK), seen.get(0).canvas().getFirst());
        assertEquals(2, seen.get(0).masksLeft());
        assertEquals(List.of(List.of(3)), seen.get(1).committed());
        // NFE accounting: one full forward per step over the 5 slots, lm_head for every masked slot, no cache
        assertEquals(1, seen.get(0).forwards());
        assertEquals(2, seen.get(1).forwards());
        assertEquals(5L, seen.get(0).rowsComputed());
        assertEquals(3, seen.get(0).logitRows());
        assertEquals(2, seen.get(1).logitRows());
        assertEquals(0L, seen.get(1).cacheHits());
    }

    @Test
    void processorsRunInOrderBeforeTheSampler() {
        List<String> calls = new ArrayList<>();
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 1);
        Sampler sampler = (ctx, logits, random) -> {
            calls.add("sampler:" + logits.logits().get(0, 6));
            return new StepDecision(new int[]{0}, new int[]{6}); // the last step: every mask must be committed
        };
        engine.run(c, settings(1, 2, 1), sampler, List.of(
                (info, l) -> { calls.add("a"); l.logits().data()[6] += 2; },
                (info, l) -> { calls.add("b"); l.logits().data()[6] *= 3; }), new SplittableRandom(1), DenoisingListener.NONE);
        assertEquals(List.of("a", "b", "sampler:6.0"), calls);
    }

    @Test
    void aSamplerCommittingTwiceIsRefused() {
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 2);
        Sampler bad = (ctx, logits, random) -> new StepDecision(new int[]{0, 0}, new int[]{1, 2});
        var e = assertThrows(Dream4jException.class, () -> engine.run(c, settings(2, 3, 1), bad, List.of(),
                new SplittableRandom(1), DenoisingListener.NONE));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void aSamplerCommittingATokenOutsideTheVocabularyIsRefused() {
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 2);
        Sampler bad = (ctx, logits, random) -> new StepDecision(new int[]{0}, new int[]{VOCAB});
        var e = assertThrows(Dream4jException.class, () -> engine.run(c, settings(2, 3, 1), bad, List.of(),
                new SplittableRandom(1), DenoisingListener.NONE));
        assertTrue(e.getMessage().contains("token id " + VOCAB), e.getMessage());
    }

    @Test
    void aSamplerThatNeverCommitsIsATypedErrorNamingIt() {
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 4);
        Sampler lazy = (ctx, logits, random) -> StepDecision.none();
        var e = assertThrows(Dream4jException.class, () -> engine.run(c, settings(4, 5, 1), lazy, List.of(),
                new SplittableRandom(1), DenoisingListener.NONE));
        assertTrue(e.getMessage().contains("sampler 'test'") && e.getMessage().contains("left 4 of 4"), e.getMessage());
    }

    @Test
    void unequalMaskCountsMayLeaveMasksAsInTheReference() {
        // a tokens hook fills one row's slot: 1 and 2 masks, nAvg = 1.5, Dream's last step commits floor(1.5) = 1 per row
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}, new int[]{2}), 2);
        GenerationHooks hooks = new GenerationHooks(Optional.of((step, canvas) -> {
            if (step == -1) {
                canvas.set(0, 1, 5);
            }
        }), Optional.empty());
        Sampler firstPerRow = (ctx, logits, random) -> {
            List<Integer> rows = new ArrayList<>();
            for (int r = 0; r < logits.rows(); r++) {
                if (r == 0 || logits.batchIndex(r) != logits.batchIndex(r - 1)) rows.add(r);
            }
            return new StepDecision(rows.stream().mapToInt(Integer::intValue).toArray(), new int[rows.size()]);
        };
        assertEquals(1, engine.run(c, settings(1, 3, 1), firstPerRow, List.of(), new SplittableRandom(1),
                DenoisingListener.NONE, hooks).steps());
        assertEquals(MASK, c.tokens()[5]);
    }

    @Test
    void stepsThatCommitNothingBeforeTheLastAreLegitimate() {
        // Dream's schedule floors 1 - s/t: with many steps the early ones commit nothing; only the last must finish
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 2);
        Sampler lastOnly = (ctx, logits, random) -> ctx.info().isLast()
                ? new StepDecision(new int[]{0, 1}, new int[]{3, 4}) : StepDecision.none();
        assertEquals(4, engine.run(c, settings(4, 3, 1), lastOnly, List.of(), new SplittableRandom(1), DenoisingListener.NONE).steps());
        assertArrayEquals(new int[]{1, 3, 4}, c.tokens());
    }

    @Test
    void aSamplerThatStopsShortOnTheLastStepIsATypedError() {
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 3);
        var e = assertThrows(Dream4jException.class, () -> engine.run(c, settings(2, 4, 1), FIRST_ARGMAX, List.of(),
                new SplittableRandom(1), DenoisingListener.NONE));
        assertTrue(e.getMessage().contains("left 1 of 2"), e.getMessage());
    }

    @Test
    void maskedLogitsCarryTheirSlot() {
        List<String> slots = new ArrayList<>();
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1, 2}, new int[]{3}), 2);
        Sampler record = (ctx, logits, random) -> {
            MaskedLogits m = logits;
            for (int r = 0; r < m.rows(); r++) slots.add(m.batchIndex(r) + ":" + m.position(r));
            return new StepDecision(new int[]{0, 1, 2, 3}, new int[]{1, 1, 1, 1}); // the only step commits all
        };
        engine.run(c, settings(1, 4, 2), record, List.of(), new SplittableRandom(1), DenoisingListener.NONE);
        assertEquals(List.of("0:2", "0:3", "1:2", "1:3"), slots);
    }

    @Test
    void tokensHookRunsBeforeTheFirstStepAndAfterEveryStep() {
        RecordingBackend backend = new RecordingBackend();
        DenoisingEngine engine = new DenoisingEngine(backend, model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1, 2}), 3);
        List<Integer> calls = new ArrayList<>();
        GenerationHooks hooks = new GenerationHooks(Optional.of((step, canvas) -> {
            calls.add(step);
            if (step == -1) {
                canvas.set(0, 3, 5); // pin the middle new slot before decoding: it is never asked for
            }
        }), Optional.empty());
        engine.run(c, settings(3, 5, 2), FIRST_ARGMAX, List.of(), new SplittableRandom(1), DenoisingListener.NONE, hooks);
        assertEquals(List.of(-1, 0, 1, 2), calls);
        // Step 0: masks at 2 and 4 -> rows 1 and 3; the first (row 1 -> token 1) is committed at 2.
        assertArrayEquals(new int[]{1, 3}, backend.rows.get(0));
        assertArrayEquals(new int[]{1, 2, 1, 5, 3}, c.tokens());
    }

    @Test
    void logitsHookRewritesLogitsBeforeTheProcessors() {
        List<String> order = new ArrayList<>();
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 2);
        GenerationHooks hooks = new GenerationHooks(Optional.empty(), Optional.of((step, canvas, logits) -> {
            order.add("hook");
            assertEquals(3, canvas.length());
            for (int r = 0; r < logits.rows(); r++) {
                logits.set(r, 6, 100f); // ban nothing, force token 6 everywhere
            }
        }));
        engine.run(c, settings(2, 3, 1), FIRST_ARGMAX, List.of((info, l) -> order.add("processor:" + l.logits().get(0, 6))),
                new SplittableRandom(1), DenoisingListener.NONE, hooks);
        assertEquals(List.of("hook", "processor:100.0", "hook", "processor:100.0"), order);
        assertArrayEquals(new int[]{1, 6, 6}, c.tokens());
    }

    @Test
    void aTokensHookWritingAnUnknownIdIsATypedError() {
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 2);
        GenerationHooks hooks = new GenerationHooks(Optional.of((step, canvas) -> canvas.set(0, 1, VOCAB)), Optional.empty());
        var e = assertThrows(InvalidRequestException.class, () -> engine.run(c, settings(2, 3, 1), FIRST_ARGMAX, List.of(),
                new SplittableRandom(1), DenoisingListener.NONE, hooks));
        assertEquals("tokens_hook", e.parameter());
    }

    /** Block decoding without a cache: blocks of {@code block} slots, the step-schedule sampler rule. */
    static ResolvedGeneration blocks(int steps, int canvas, int prompt, int block) {
        return settings(steps, canvas, prompt).withBlock(new BlockSettings(block, CacheMode.NONE, false, false, 0.5, 1.0, 0));
    }

    @Test
    void aListenerStopReturnsThePartialCanvas() {
        RecordingBackend backend = new RecordingBackend();
        DenoisingEngine engine = new DenoisingEngine(backend, model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1, 2}), 3);
        List<DenoisingStep> seen = new ArrayList<>();
        DenoisingEngine.Outcome outcome = engine.run(c, settings(3, 5, 2), FIRST_ARGMAX, List.of(), new SplittableRandom(1),
                step -> {
                    seen.add(step);
                    return seen.size() == 2 ? DenoisingListener.Decision.STOP : DenoisingListener.Decision.CONTINUE;
                });
        assertTrue(outcome.stopped());
        assertEquals(2, outcome.steps());
        assertEquals(2, backend.batches.size(), "no forward after the stop");
        // the canvas is the one the second step's listener saw: the last slot is still masked
        assertEquals(seen.get(1).canvas().getFirst(), java.util.Arrays.stream(c.tokens()).boxed().toList());
        assertEquals(MASK, c.tokens()[4]);
    }

    @Test
    void aRunToItsEndIsNotStopped() {
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 1);
        DenoisingEngine.Outcome outcome = engine.run(c, settings(1, 2, 1), FIRST_ARGMAX, List.of(), new SplittableRandom(1),
                step -> DenoisingListener.Decision.CONTINUE);
        assertFalse(outcome.stopped());
    }

    @Test
    void hooksRunInBlockDecoding() {
        RecordingBackend backend = new RecordingBackend();
        DenoisingEngine engine = new DenoisingEngine(backend, model());
        DenoisingEngine.Canvas plain = engine.canvas(List.of(new int[]{1}), 4);
        engine.run(plain, blocks(4, 5, 1, 2), FIRST_ARGMAX, List.of(), new SplittableRandom(1), DenoisingListener.NONE);

        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 4);
        List<Integer> tokenSteps = new ArrayList<>();
        List<String> logitRows = new ArrayList<>();
        GenerationHooks hooks = new GenerationHooks(Optional.of((step, canvas) -> tokenSteps.add(step)),
                Optional.of((step, canvas, logits) -> {
                    for (int r = 0; r < logits.rows(); r++) {
                        logitRows.add(step + ":" + logits.position(r));
                        logits.set(r, 6, 100f);
                    }
                }));
        DenoisingEngine.Outcome outcome = engine.run(c, blocks(4, 5, 1, 2), FIRST_ARGMAX, List.of(), new SplittableRandom(1),
                DenoisingListener.NONE, hooks);
        assertEquals(4, outcome.steps());
        assertEquals(List.of(-1, 0, 1, 2, 3), tokenSteps);
        // the logits hook sees what the sampler sees: the masked slots of the current block only
        assertEquals(List.of("0:1", "0:2", "1:2", "2:3", "2:4", "3:4"), logitRows);
        assertArrayEquals(new int[]{1, 6, 6, 6, 6}, c.tokens());
        assertFalse(java.util.Arrays.equals(plain.tokens(), c.tokens()), "the hook changed the result");
    }

    @Test
    void aTokensHookEditsTheCanvasInBlockDecoding() {
        DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 4);
        GenerationHooks hooks = new GenerationHooks(Optional.of((step, canvas) -> {
            if (step == -1) {
                canvas.set(0, 3, 5); // pin a slot of the second block: it is never asked for
            }
        }), Optional.empty());
        List<List<Integer>> committed = new ArrayList<>();
        engine.run(c, blocks(4, 5, 1, 2), FIRST_ARGMAX, List.of(), new SplittableRandom(1), step -> {
            committed.add(step.committed().getFirst());
            return DenoisingListener.Decision.CONTINUE;
        }, hooks);
        assertEquals(5, c.tokens()[3]);
        assertTrue(committed.stream().noneMatch(l -> l.contains(3)), committed.toString());
    }

    @Test
    void aSamplerThatNeverCommitsFailsAtTheEndOfTheFirstBlock() {
        RecordingBackend backend = new RecordingBackend();
        DenoisingEngine engine = new DenoisingEngine(backend, model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 6);
        Sampler lazy = (ctx, logits, random) -> StepDecision.none();
        var e = assertThrows(Dream4jException.class, () -> engine.run(c, blocks(6, 7, 1, 2), lazy, List.of(),
                new SplittableRandom(1), DenoisingListener.NONE));
        assertTrue(e.getMessage().contains("sampler 'test'") && e.getMessage().contains("step 2")
                && e.getMessage().contains("block 1 of 3"), e.getMessage());
        assertEquals(2, backend.batches.size(), "raised at that step, not after running every block");
    }

    @Test
    void aBlockSamplerThatNeverCommitsFailsOnItsFirstStep() {
        RecordingBackend backend = new RecordingBackend();
        DenoisingEngine engine = new DenoisingEngine(backend, model());
        DenoisingEngine.Canvas c = engine.canvas(List.of(new int[]{1}), 4);
        ResolvedGeneration settings = settings(4, 5, 1).withBlock(new BlockSettings(2, CacheMode.NONE, false, true, 0.5, 1.0, 0));
        var e = assertThrows(Dream4jException.class, () -> engine.run(c, settings, (ctx, logits, random) -> StepDecision.none(),
                List.of(), new SplittableRandom(1), DenoisingListener.NONE));
        assertTrue(e.getMessage().contains("'test'") && e.getMessage().contains("step 1"), e.getMessage());
        assertEquals(1, backend.batches.size());
    }

    @Test
    void referenceDecodingEqualsOneBlockOverTheNewTokens() {
        // the reference is the one-block, no-cache case: a block spanning every new slot decodes the same canvas
        for (int steps : new int[]{2, 3, 5}) {
            DenoisingEngine engine = new DenoisingEngine(new RecordingBackend(), model());
            DenoisingEngine.Canvas reference = engine.canvas(List.of(new int[]{1, 2}), 3);
            Sampler lastAll = (ctx, logits, random) -> ctx.info().isLast()
                    ? new StepDecision(java.util.stream.IntStream.range(0, logits.rows()).toArray(), new int[logits.rows()])
                    : FIRST_ARGMAX.step(ctx, logits, random);
            engine.run(reference, settings(steps, 5, 2), lastAll, List.of(), new SplittableRandom(1), DenoisingListener.NONE);
            DenoisingEngine.Canvas oneBlock = engine.canvas(List.of(new int[]{1, 2}), 3);
            engine.run(oneBlock, blocks(steps, 5, 2, 3), lastAll, List.of(), new SplittableRandom(1), DenoisingListener.NONE);
            assertArrayEquals(reference.tokens(), oneBlock.tokens(), "steps " + steps);
        }
    }
}
