package dev.dream4j.spi.sampling;

import java.util.random.RandomGenerator;

/**
 * Dream's {@code sample_tokens} over every masked row of a step: the token each row would commit and its confidence.
 * Per row: {@code p = softmax(logits)} ({@link TokenMath#softmax}); at temperature 0 ({@code greedy}) the argmax and no
 * random draw; otherwise one categorical draw ({@link TokenMath#categorical}: exactly one {@code nextDouble()}, rows in
 * order), falling back to the argmax for a degenerate row; then {@code confidence = measure.score(p, token)}.
 *
 * @param tokens     the chosen token per masked-logits row
 * @param confidence its confidence per row
 */
public record SampledTokens(int[] tokens, float[] confidence) {

    public static SampledTokens sample(MaskedLogits logits, Confidence measure, boolean greedy, RandomGenerator random) {
        int rows = logits.rows();
        int vocab = logits.vocab();
        float[] data = logits.logits().data();
        float[] p = new float[vocab];
        int[] tokens = new int[rows];
        float[] conf = new float[rows];
        for (int r = 0; r < rows; r++) {
            boolean regular = TokenMath.softmax(data, logits.logits().offset(r), vocab, p);
            int tok;
            if (greedy) {
                tok = TokenMath.argmax(p, 0, vocab);
            } else {
                tok = TokenMath.categorical(p, vocab, random);
                if (!regular) {
                    tok = TokenMath.argmax(p, 0, vocab);
                }
            }
            tokens[r] = tok;
            conf[r] = measure.score(p, vocab, tok);
        }
        return new SampledTokens(tokens, conf);
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
