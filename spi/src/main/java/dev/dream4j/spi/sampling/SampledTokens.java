package dev.dream4j.spi.sampling;

import java.util.random.RandomGenerator;

/**
 * Dream's {@code sample_tokens} over every masked row of a step: the token each row would commit and its confidence.
 * Per row: {@code p = softmax(logits)} ({@link TokenMath#softmax}); for {@link MaskedLogits#greedy() greedy} logits
 * (temperature 0) the argmax and no random draw; otherwise one categorical draw ({@link TokenMath#categorical}: exactly
 * one {@code nextDouble()}, rows in order), falling back to the argmax for a degenerate row; then
 * {@code confidence = measure.score(p, token)}. The one token rule of every built-in sampler and infill strategy.
 *
 * @param tokens     the chosen token per masked-logits row
 * @param confidence its confidence per row
 */
public record SampledTokens(int[] tokens, float[] confidence) {

    public static SampledTokens sample(MaskedLogits logits, Confidence measure, RandomGenerator random) {
        int rows = logits.rows();
        int vocab = logits.vocab();
        float[] p = new float[vocab];
        int[] tokens = new int[rows];
        float[] conf = new float[rows];
        for (int r = 0; r < rows; r++) {
            int tok = token(logits, r, p, random);
            tokens[r] = tok;
            conf[r] = measure.score(p, vocab, tok);
        }
        return new SampledTokens(tokens, conf);
    }

    /**
     * The token of one row, by the rule of the class comment, leaving the row's probabilities in {@code p} (length
     * at least the vocabulary). For samplers that choose tokens only for some rows (Dream's {@code origin}).
     */
    public static int token(MaskedLogits logits, int row, float[] p, RandomGenerator random) {
        int vocab = logits.vocab();
        boolean regular = TokenMath.softmax(logits.logits().data(), logits.logits().offset(row), vocab, p);
        if (logits.greedy()) {
            return TokenMath.argmax(p, 0, vocab);
        }
        int tok = TokenMath.categorical(p, vocab, random);
        return regular ? tok : TokenMath.argmax(p, 0, vocab);
    }

    /** The decision committing the rows flagged in {@code commit} with their sampled tokens, rows ascending. */
    public StepDecision commit(boolean[] commit) {
        int n = 0;
        for (boolean c : commit) {
            if (c) {
                n++;
            }
        }
        int[] outRows = new int[n];
        int[] outTokens = new int[n];
        for (int r = 0, i = 0; r < commit.length; r++) {
            if (commit[r]) {
                outRows[i] = r;
                outTokens[i++] = tokens[r];
            }
        }
        return new StepDecision(outRows, outTokens);
    }
}
