package dev.dream4j.infill.dreamon;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.infill.InfillTask;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.SpecialTokens;

/**
 * The validated prompt {@code [bos] prefix [MASK × m0] suffix [eos]} ({@code dream-semantics.md} §5), bos only when
 * the checkpoint has one.
 *
 * @param ids       the whole prompt
 * @param prefixLen {@code [bos] prefix}: index of the first middle slot
 * @param suffixLen {@code suffix [eos]}
 * @param m0        initial masks
 */
record Layout(int[] ids, int prefixLen, int suffixLen, int m0) {

    /**
     * Checks what {@link InfillTask} does not and builds the prompt.
     *
     * @throws InvalidRequestException naming the parameter at fault
     */
    static Layout build(InfillTask task, ModelDescription model) {
        int[] prefix = task.prefix() == null ? new int[0] : task.prefix();
        int[] suffix = task.suffix() == null ? new int[0] : task.suffix();
        if (prefix.length == 0 && suffix.length == 0) {
            throw new InvalidRequestException("prefix", "prefix and suffix are both empty; there is nothing to infill between");
        }
        int m0 = task.initialMasks();
        if (m0 < 1) {
            throw new InvalidRequestException("initial_masks", "initial_masks must be >= 1, got " + m0);
        }
        if (task.maxNewTokens() < m0) {
            throw new InvalidRequestException("max_new_tokens",
                    "max_new_tokens (" + task.maxNewTokens() + ") must be >= initial_masks (" + m0 + ")");
        }
        if (task.tokensPerStep() < 1) {
            throw new InvalidRequestException("tokens_per_step", "tokens_per_step must be >= 1, got " + task.tokensPerStep());
        }
        if (task.expandBudget() != null && task.expandBudget().isPresent() && task.expandBudget().getAsInt() < 0) {
            throw new InvalidRequestException("expand_budget", "expand_budget must be >= 0, got " + task.expandBudget().getAsInt());
        }
        SpecialTokens st = model.tokens();
        checkNoMask(prefix, st.mask(), "prefix");
        checkNoMask(suffix, st.mask(), "suffix");
        int bos = st.bos().isPresent() ? 1 : 0;
        long total = (long) bos + prefix.length + m0 + suffix.length + 1;
        if (total > model.contextLength()) {
            throw new InvalidRequestException("prompt", "the infill prompt ([bos] prefix, " + m0 + " masks, suffix, eos) has "
                    + total + " tokens, more than the model's context length " + model.contextLength());
        }
        int[] ids = new int[(int) total];
        int o = 0;
        if (bos == 1) {
            ids[o++] = st.bos().getAsInt();
        }
        System.arraycopy(prefix, 0, ids, o, prefix.length);
        o += prefix.length;
        for (int i = 0; i < m0; i++) {
            ids[o++] = st.mask();
        }
        System.arraycopy(suffix, 0, ids, o, suffix.length);
        o += suffix.length;
        ids[o] = st.eos();
        return new Layout(ids, bos + prefix.length, suffix.length + 1, m0);
    }

    private static void checkNoMask(int[] part, int mask, String name) {
        for (int i = 0; i < part.length; i++) {
            if (part[i] == mask) {
                throw new InvalidRequestException(name, "token " + i + " is the mask id " + mask
                        + "; only the hole is masked (use initial_masks)");
            }
        }
    }
}
