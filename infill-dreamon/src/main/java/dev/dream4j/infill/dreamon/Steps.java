package dev.dream4j.infill.dreamon;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.GenerationCancelledException;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.infill.InfillTask;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the infill loops share: the forward over the live window, the processors, the sampler's slot choice, the
 * listener call, the default sampler.
 */
final class Steps {

    /** The logit DreamOn subtracts from {@code <|expand|>} when no expansion is allowed. */
    static final float EXPAND_BLOCK = 1e9f;

    private Steps() {
    }

    /**
     * One forward over {@code x[0 .. window)} (positions {@code 0 .. window-1}, no padding), logits for the masked
     * {@code slots}, shifted by the model's logit shift (slot j is predicted by row j - shift, slot 0 by itself).
     * Equivalent to the reference's full-length canvas with the tail hidden by the pairwise mask: hidden keys never
     * reach a visible query.
     */
    static MaskedLogits forward(Backend backend, ModelDescription model, int[] x, int window, int[] slots) {
        int shift = model.logitShift();
        int[] rows = new int[slots.length];
        for (int r = 0; r < slots.length; r++) {
            rows[r] = Math.max(0, slots[r] - shift);
        }
        Logits logits = backend.forward(ForwardBatch.single(Arrays.copyOf(x, window), rows));
        int vocab = model.spec().vocabSize();
        if (logits.rows() != slots.length || logits.vocab() != vocab) {
            throw new Dream4jException("backend returned " + logits.rows() + "x" + logits.vocab() + " logits for "
                    + slots.length + " requested rows of vocabulary " + vocab);
        }
        return new MaskedLogits(logits, new int[slots.length], slots.clone());
    }

    /** Subtracts {@link #EXPAND_BLOCK} from {@code token} in every row (the reference's {@code -= 1e9}). */
    static void block(MaskedLogits logits, int token) {
        float[] data = logits.logits().data();
        for (int r = 0; r < logits.rows(); r++) {
            int i = logits.logits().offset(r) + token;
            data[i] = data[i] - EXPAND_BLOCK;
        }
    }

    /**
     * Runs the processors. Infilling has no time schedule; processors see {@code t = 1 - i/limit},
     * {@code s = 1 - (i+1)/limit}.
     */
    static void process(List<LogitsProcessor> processors, int step, int limit, MaskedLogits logits) {
        if (processors == null || processors.isEmpty()) {
            return;
        }
        float t = 1f - (float) step / limit;
        float s = 1f - (float) (step + 1) / limit;
        StepInfo info = new StepInfo(step, limit, t, s);
        for (LogitsProcessor p : processors) {
            p.process(info, logits);
        }
    }

    /**
     * The request sampler's choice of {@code count} slots, checked as the engine checks a sampler's decision: rows in
     * range, none twice, at least one while masks remain (a selector that commits nothing would spin to the
     * iteration limit).
     */
    static StepDecision select(InfillTask task, MaskedLogits logits, int count) {
        StepDecision d = task.sampler().select(logits, count, task.random());
        boolean[] seen = new boolean[logits.rows()];
        for (int r : d.rows()) {
            if (r < 0 || r >= seen.length || seen[r]) {
                throw new Dream4jException("the infill sampler committed masked-logits row " + r + " of " + seen.length
                        + (r >= 0 && r < seen.length ? " twice" : "") + " in one step");
            }
            seen[r] = true;
        }
        if (d.size() == 0 && logits.rows() > 0) {
            throw new Dream4jException("the infill sampler committed none of " + logits.rows() + " masked slots");
        }
        return d;
    }

    /**
     * The sampler DreamOn infills with when the request names none: the checkpoint's, when it is one of Dream's
     * confidence samplers, else {@code entropy} (the DreamOn quickstart's). DreamOn checkpoints default to
     * {@code origin}, which commits at random and which DreamOn's reference refuses for infilling.
     */
    static Optional<String> defaultSampler(ModelDescription model) {
        return Optional.of(model.defaults().alg().flatMap(Confidence::byId).orElse(Confidence.ENTROPY).id());
    }

    static void checkInterrupted(int stepsDone) {
        if (Thread.currentThread().isInterrupted()) {
            throw new GenerationCancelledException(stepsDone);
        }
    }

    /**
     * Tells the listener; STOP and CANCEL both end the call with {@link GenerationCancelledException}: an infill has
     * no partial result (the middle is not settled and may still grow or shrink), so STOP means CANCEL here.
     */
    static void report(DenoisingListener listener, int step, int limit, int[] x, int window, List<Integer> committed,
                       int mask) {
        if (listener == null || listener == DenoisingListener.NONE) {
            return;
        }
        int left = 0;
        for (int j = 0; j < window; j++) {
            if (x[j] == mask) {
                left++;
            }
        }
        List<Integer> canvas = Arrays.stream(x, 0, window).boxed().toList();
        DenoisingStep s = new DenoisingStep(step, limit, List.of(canvas), List.of(committed), left);
        if (listener.onStep(s) != DenoisingListener.Decision.CONTINUE) {
            throw new GenerationCancelledException(step + 1);
        }
    }
}
