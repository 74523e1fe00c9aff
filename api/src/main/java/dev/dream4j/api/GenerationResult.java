package dev.dream4j.api;

import java.util.List;

/**
 * The outcome of a generation.
 *
 * @param sequences  one entry per prompt and return sequence, in the order r0,r0,..,r1,r1,..
 * @param steps      denoising steps run
 * @param elapsedNanos wall time of the denoising loop
 * @param sampler    the sampler that ran
 * @param seed       the seed of the random stream (given, or drawn when the request had none)
 */
public record GenerationResult(List<GeneratedSequence> sequences, int steps, long elapsedNanos, String sampler, long seed) {
    public GenerationResult {
        sequences = List.copyOf(sequences);
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
     * @param generatedIds every new position, before cutting at end-of-text
     * @param text         the decoded new positions, cut at the first end-of-text, special tokens skipped
     */
    public record GeneratedSequence(int promptIndex, List<Integer> promptIds, List<Integer> generatedIds, String text) {
        public GeneratedSequence {
            promptIds = List.copyOf(promptIds);
            generatedIds = List.copyOf(generatedIds);
        }
    }
}
