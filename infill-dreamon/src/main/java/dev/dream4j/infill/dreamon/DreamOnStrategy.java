package dev.dream4j.infill.dreamon;

import dev.dream4j.api.InfillResult;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.UnsupportedFeatureException;
import dev.dream4j.spi.infill.InfillStrategy;
import dev.dream4j.spi.infill.InfillTask;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.SpecialTokens;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.StepDecision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * DreamOn variable-length infilling ({@code dream-semantics.md} §5), in two variants.
 *
 * <h2>{@link Variant#HF} (strategy {@code dreamon}, the default)</h2>
 * The Hugging Face {@code _sample} loop. With the prompt {@code [bos] prefix [MASK × m0] suffix [eos]} of length
 * {@code P}, {@code maxLen = min(contextLength, max_new_tokens + P - m0)}, {@code maxGen = maxLen - prefixLen},
 * {@code budget = expand_budget ?? 2·maxGen}, at most {@code 2·maxGen + 2·budget} iterations, each:
 * <ol>
 *   <li>stop when the middle has no mask;</li>
 *   <li>one forward over the live window {@code W = prefixLen + nGen + suffixLen};</li>
 *   <li>when {@code W == maxLen} or the budget is spent, {@code <|expand|>} logits {@code -= 1e9}; then the logits
 *       processors, then the request sampler's {@link dev.dream4j.spi.sampling.SlotSelector} commits
 *       {@code tokens_per_step} slots ({@code sample_tokens} and the most confident slots for Dream's confidence
 *       samplers; the others stay masked);</li>
 *   <li>{@code pad_delete_to_right}: every slot masked at the start of the step at or after the first delete in the
 *       middle becomes a delete;</li>
 *   <li><b>delete, then expand</b>: every slot masked at the start of the step that now holds the delete id (the
 *       checkpoint's {@code delete}, the eos id in the released code) is removed, right to left, and a mask is
 *       appended at the end of the canvas (outside the window, so the capacity {@code maxLen} stays); then every
 *       {@code <|expand|>} in the middle, right to left, becomes two masks.</li>
 * </ol>
 * The result is {@code x[prefixLen, prefixLen + nGen)}.
 *
 * <h2>{@link Variant#EVAL} (strategy {@code dreamon-eval})</h2>
 * The published evaluation loop ({@code eval/generator.py}). It differs in: at most {@code steps} iterations (the
 * task's {@code params().steps()}) with the same early exit; {@code expand_budget} defaults to
 * {@code max_new_tokens}; the canvas beyond the window is padded with MASK instead of eos; delete-padding
 * ({@code pad_eos_to_right}) is always on; exactly one slot is committed per step (other values are refused); and
 * the order in a step is <b>expand, then delete</b>. The reference deletes with the mask index taken before the
 * expansions; since a step commits one token, a delete and an expansion never happen in the same step and this
 * implementation (which tracks slots through the edits) gives the same result.
 *
 * <h2>Overflow: reported, never truncated</h2>
 * The reference inserts the two masks of an expansion and cuts the canvas back to {@code maxLen}; with several
 * expansions in one step (tokens_per_step &gt; 1) this cuts the end of the suffix off silently, and an overspent
 * budget (below 0) re-enables expansion. Here an expansion is applied only while {@code W < maxLen} and the budget
 * is positive; an {@code <|expand|>} beyond that is turned back into a single mask (it is predicted again on the
 * next step, where the expand logit is then blocked because the limit or the budget is reached). The prefix and
 * suffix are therefore never altered, the window never exceeds {@code maxLen} (nor the context), and the budget
 * never goes negative. A refused expansion is not counted in {@link InfillResult#expansions()} and not listed as
 * committed. With one token per step (the default) nothing is ever refused: the blocked logit already prevents it.
 *
 * <h2>Other choices</h2>
 * Delete and expand are only looked for in the middle (the reference scans the whole sequence, so an eos inside the
 * user's prefix would turn every mask into a delete). Prefix and suffix must not contain the mask id. Each forward
 * runs over the live window only (positions {@code 0..W-1}); the reference runs the full {@code maxLen} canvas with
 * the tail hidden by the pairwise mask, which yields the same logits for every visible slot. The listener receives
 * the live window after the step's edits, and as committed positions the slots (after the edits) that hold a token
 * committed in this step (deleted and expanded slots are not listed). When the iteration limit ends the loop with
 * masks left (possible in the eval variant), they stay in {@code middleIds} and the decoded text skips them.
 */
final class DreamOnStrategy implements InfillStrategy {

    /** Which loop of §5 runs. */
    enum Variant { HF, EVAL }

    private final Variant variant;
    private final String name;

    DreamOnStrategy(Variant variant, String name) {
        this.variant = variant;
        this.name = name;
    }

    @Override
    public InfillResult infill(InfillTask task) {
        ModelDescription model = task.backend().model();
        SpecialTokens st = model.tokens();
        if (st.expand().isEmpty()) {
            throw new UnsupportedFeatureException("expand_token", "infill strategy '" + name + "' needs a checkpoint with"
                    + " an <|expand|> token (DreamOn); this one has none. Use the 'fixed' strategy for Dream and Dream-Coder");
        }
        int expandId = st.expand().getAsInt();
        int mask = st.mask();
        int delete = st.delete();
        Layout layout = Layout.build(task, model);
        boolean eval = variant == Variant.EVAL;
        if (eval && task.tokensPerStep() != 1) {
            throw new UnsupportedFeatureException("tokens_per_step", "the '" + name + "' strategy commits exactly one token"
                    + " per step, as the published evaluation does; got " + task.tokensPerStep() + " (use 'dreamon')");
        }
        if (eval && task.params().steps() < 1) {
            throw new InvalidRequestException("steps", "steps must be >= 1, got " + task.params().steps());
        }
        int prefixLen = layout.prefixLen();
        int suffixLen = layout.suffixLen();
        int promptLen = layout.ids().length;
        int maxLen = (int) Math.min(model.contextLength(), (long) task.maxNewTokens() + promptLen - layout.m0());
        int maxGen = maxLen - prefixLen;
        int budget = task.expandBudget() != null && task.expandBudget().isPresent()
                ? task.expandBudget().getAsInt()
                : eval ? task.maxNewTokens() : 2 * maxGen;
        int limit = eval ? task.params().steps() : (int) Math.min(Integer.MAX_VALUE, 2L * maxGen + 2L * budget);
        int perStep = task.tokensPerStep();
        boolean padDelete = eval || task.padDeleteToRight();

        int[] x = new int[maxLen];
        System.arraycopy(layout.ids(), 0, x, 0, promptLen);
        Arrays.fill(x, promptLen, maxLen, eval ? mask : st.eos());
        boolean[] fresh = new boolean[maxLen];
        int nGen = layout.m0();
        int expansions = 0;
        int deletions = 0;
        int steps = 0;

        for (int i = 0; i < limit; i++) {
            Steps.checkInterrupted(i);
            int window = prefixLen + nGen + suffixLen;
            int[] slots = masked(x, prefixLen, prefixLen + nGen, mask);
            if (slots.length == 0) {
                break;
            }
            MaskedLogits logits = Steps.forward(task.backend(), model, x, window, slots);
            if (window >= maxLen || budget <= 0) {
                Steps.block(logits, expandId);
            }
            Steps.process(task.processors(), i, limit, logits);
            StepDecision chosen = Steps.select(task, logits, perStep);

            Arrays.fill(fresh, false);
            for (int j : slots) {
                fresh[j] = true;
            }
            for (int c = 0; c < chosen.size(); c++) {
                x[slots[chosen.rows()[c]]] = chosen.tokens()[c];
            }
            if (padDelete) {
                int first = -1;
                for (int j = prefixLen; j < prefixLen + nGen; j++) {
                    if (x[j] == delete) {
                        first = j;
                        break;
                    }
                }
                if (first >= 0) {
                    for (int j : slots) {
                        if (j >= first) {
                            x[j] = delete;
                        }
                    }
                }
            }
            Edit edit = new Edit(x, fresh, prefixLen, suffixLen, maxLen, mask);
            edit.nGen = nGen;
            edit.budget = budget;
            if (eval) {
                expansions += edit.expand(expandId);
                deletions += edit.delete(delete);
            } else {
                deletions += edit.delete(delete);
                expansions += edit.expand(expandId);
            }
            nGen = edit.nGen;
            budget = edit.budget;
            steps++;

            window = prefixLen + nGen + suffixLen;
            List<Integer> committed = new ArrayList<>();
            for (int j = prefixLen; j < prefixLen + nGen; j++) {
                if (fresh[j] && x[j] != mask) {
                    committed.add(j);
                }
            }
            Steps.report(task.listener(), i, limit, x, window, committed, mask);
        }
        int[] middle = Arrays.copyOfRange(x, prefixLen, prefixLen + nGen);
        return new InfillResult(task.decode().apply(middle.clone()), Arrays.stream(middle).boxed().toList(), steps,
                expansions, deletions);
    }

    /** Masked slots in {@code [from, to)}. */
    static int[] masked(int[] x, int from, int to, int mask) {
        int n = 0;
        for (int j = from; j < to; j++) {
            if (x[j] == mask) {
                n++;
            }
        }
        int[] out = new int[n];
        for (int j = from, o = 0; j < to; j++) {
            if (x[j] == mask) {
                out[o++] = j;
            }
        }
        return out;
    }

    /** The structural edits of one step on a canvas of fixed capacity; {@code fresh} moves with its slots. */
    static final class Edit {
        private final int[] x;
        private final boolean[] fresh;
        private final int prefixLen;
        private final int suffixLen;
        private final int maxLen;
        private final int mask;
        int nGen;
        int budget;

        Edit(int[] x, boolean[] fresh, int prefixLen, int suffixLen, int maxLen, int mask) {
            this.x = x;
            this.fresh = fresh;
            this.prefixLen = prefixLen;
            this.suffixLen = suffixLen;
            this.maxLen = maxLen;
            this.mask = mask;
        }

        /** Removes every freshly committed delete, right to left, appending a mask at the very end; returns the count. */
        int delete(int deleteId) {
            int n = 0;
            for (int j = prefixLen + nGen - 1; j >= prefixLen; j--) {
                if (fresh[j] && x[j] == deleteId) {
                    System.arraycopy(x, j + 1, x, j, maxLen - j - 1);
                    System.arraycopy(fresh, j + 1, fresh, j, maxLen - j - 1);
                    x[maxLen - 1] = mask;
                    fresh[maxLen - 1] = false;
                    nGen--;
                    n++;
                }
            }
            return n;
        }

        /**
         * Turns every {@code <|expand|>} of the middle, right to left, into two masks while the window is below
         * {@code maxLen} and the budget positive; a refused one becomes a single mask. Returns the applied count.
         */
        int expand(int expandId) {
            int n = 0;
            for (int j = prefixLen + nGen - 1; j >= prefixLen; j--) {
                if (x[j] != expandId) {
                    continue;
                }
                int window = prefixLen + nGen + suffixLen;
                if (window < maxLen && budget > 0) {
                    // the slot at maxLen - 1 lies outside the window (window < maxLen), so nothing live is dropped
                    System.arraycopy(x, j + 1, x, j + 2, maxLen - j - 2);
                    System.arraycopy(fresh, j + 1, fresh, j + 2, maxLen - j - 2);
                    x[j + 1] = mask;
                    fresh[j + 1] = false;
                    nGen++;
                    budget--;
                    n++;
                }
                x[j] = mask;
                fresh[j] = false;
            }
            return n;
        }
    }
}
