package dev.dream4j.infill.dreamon;

import dev.dream4j.api.InfillResult;
import dev.dream4j.spi.infill.InfillStrategy;
import dev.dream4j.spi.infill.InfillTask;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.StepDecision;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fixed-length infilling for checkpoints without {@code <|expand|>} (Dream, Dream-Coder): the canvas
 * {@code [bos] prefix [MASK × m0] suffix [eos]} keeps its length; every iteration runs one forward over it and
 * commits {@code tokens_per_step} masked slots chosen by the request sampler's
 * {@link dev.dream4j.spi.sampling.SlotSelector} (the most confident, as in DreamOn), until no mask is left,
 * so there are {@code ceil(m0 / tokens_per_step)} iterations. {@code max_new_tokens} and {@code expand_budget} play
 * no part. When the checkpoint does have an expand token its logit is blocked ({@code -1e9}) on every step, since
 * an expansion cannot be honoured. The middle is all {@code m0} committed tokens; the text is decoded with special
 * tokens (eos among them) skipped, as the published evaluation decodes.
 */
final class FixedInfillStrategy implements InfillStrategy {

    @Override
    public InfillResult infill(InfillTask task) {
        ModelDescription model = task.backend().model();
        int mask = model.tokens().mask();
        Layout layout = Layout.build(task, model);
        int[] x = layout.ids().clone();
        int from = layout.prefixLen();
        int to = from + layout.m0();
        int perStep = task.tokensPerStep();
        int limit = (layout.m0() + perStep - 1) / perStep;
        int steps = 0;
        for (int i = 0; i < limit; i++) {
            Steps.checkInterrupted(i);
            int[] slots = DreamOnStrategy.masked(x, from, to, mask);
            if (slots.length == 0) {
                break;
            }
            MaskedLogits logits = Steps.forward(task.backend(), model, x, x.length, slots);
            if (model.tokens().expand().isPresent()) {
                Steps.block(logits, model.tokens().expand().getAsInt());
            }
            Steps.process(task.processors(), i, limit, logits);
            StepDecision chosen = Steps.select(task, logits, perStep);
            List<Integer> committed = new ArrayList<>();
            for (int c = 0; c < chosen.size(); c++) {
                int slot = slots[chosen.rows()[c]];
                x[slot] = chosen.tokens()[c];
                committed.add(slot);
            }
            steps++;
            Steps.report(task.listener(), i, limit, x, x.length, committed, mask);
        }
        int[] middle = Arrays.copyOfRange(x, from, to);
        return new InfillResult(task.decode().apply(middle.clone()), Arrays.stream(middle).boxed().toList(), steps, 0, 0);
    }
}
