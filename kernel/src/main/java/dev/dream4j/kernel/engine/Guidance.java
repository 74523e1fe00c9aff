package dev.dream4j.kernel.engine;

import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;

import java.util.Arrays;
import java.util.function.Function;

/**
 * Classifier-free guidance as LLaDA's {@code generate()} runs it: besides the canvas, each step forwards an
 * unconditional copy whose prompt slots (every slot before the new positions) are the mask token, and the logits become
 * {@code u + (s + 1) * (c - u)} for conditional {@code c} and unconditional {@code u}, in fp32. The reference stacks
 * both canvases into one batch; the backends are batch-invariant, so two forwards give the same logits.
 */
final class Guidance {
    private Guidance() {
    }

    /**
     * The guided logits of {@code batch}'s requested rows.
     *
     * @param forward      runs one forward
     * @param batchOf      the forward batch (rows, positions, visibility of the step) over the given tokens
     * @param promptLength slots {@code [0, promptLength)} of every row are the (padded) prompt
     * @param mask         the mask id
     * @param scale        the guidance scale s (> 0)
     */
    static Logits guided(Function<ForwardBatch, Logits> forward, Function<int[], ForwardBatch> batchOf, int[] tokens,
                         int length, int promptLength, int mask, double scale) {
        Logits cond = forward.apply(batchOf.apply(tokens));
        int[] uncond = tokens.clone();
        for (int b = 0; b < tokens.length / length; b++) {
            Arrays.fill(uncond, b * length, b * length + promptLength, mask);
        }
        Logits un = forward.apply(batchOf.apply(uncond));
        float[] c = cond.data();
        float[] u = un.data();
        float w = (float) (scale + 1.0);
        for (int r = 0; r < cond.rows(); r++) {
            int oc = cond.offset(r);
            int ou = un.offset(r);
            for (int v = 0; v < cond.vocab(); v++) {
                c[oc + v] = u[ou + v] + w * (c[oc + v] - u[ou + v]);
            }
        }
        return cond;
    }
}
