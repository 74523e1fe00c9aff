package dev.dream4j.api;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of a generation.
 *
 * @param sequences    one entry per prompt and return sequence, in the order r0,r0,..,r1,r1,..
 * @param steps        denoising steps run (fewer than requested when stopped)
 * @param elapsedNanos wall time of the denoising loop
 * @param sampler      the sampler that ran
 * @param seed         the seed of the random stream (given, or drawn when the request had none)
 * @param finishReason whether the loop ran to its end or a listener stopped it
 */
public record GenerationResult(List<GeneratedSequence> sequences, int steps, long elapsedNanos, String sampler, long seed,
                               FinishReason finishReason) {

    /** Why the denoising loop ended. */
    public enum FinishReason {
        /** Every step ran (or, in block decoding, no mask was left). */
        COMPLETED,
        /**
         * A {@link DenoisingListener} returned {@link DenoisingListener.Decision#STOP}: the sequences hold the canvas as
         * that step left it; slots still masked hold the mask id, and each text is the decoded settled prefix (up to the
         * first mask or end-of-text).
         */
        STOPPED
    }

    public GenerationResult {
        sequences = List.copyOf(sequences);
        Objects.requireNonNull(finishReason, "finishReason");
    }

    /** A generation that ran to its end. */
    public GenerationResult(List<GeneratedSequence> sequences, int steps, long elapsedNanos, String sampler, long seed) {
        this(sequences, steps, elapsedNanos, sampler, seed, FinishReason.COMPLETED);
    }

    /** Whether a listener stopped the loop before its end. */
    public boolean stopped() {
        return finishReason == FinishReason.STOPPED;
    }

    /** The text of the first sequence. */
    public String text() {
        return sequences.getFirst().text();
    }

    /** The first sequence. */
    public GeneratedSequence first() {
        return sequences.getFirst();
    }

    /**
     * One generated sequence.
     *
     * @param promptIds    the prompt's token ids (without padding)
     * @param generatedIds every new position, before cutting at end-of-text (a stopped generation: masked slots hold
     *                     the mask id)
     * @param text         the decoded new positions, cut at the first end-of-text (a stopped generation: at the first
     *                     mask or end-of-text), special tokens skipped
     */
    public record GeneratedSequence(int promptIndex, List<Integer> promptIds, List<Integer> generatedIds, String text) {
        public GeneratedSequence {
            promptIds = List.copyOf(promptIds);
            generatedIds = List.copyOf(generatedIds);
        }
    }
}
