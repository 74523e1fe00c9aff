package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.SampledTokens;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;

import java.util.random.RandomGenerator;

/**
 * Dream's {@code origin}: each masked slot is committed independently with probability
 * {@link Schedule#transferProbability p = 1 - s/t} (1 on the last step); {@code alg_temp} is ignored.
 *
 * <p>Random draws, in this order: (1) unless {@code p >= 1}, one {@code nextDouble()} per masked-logits row, rows
 * ascending, the row committing when the draw is below {@code p}; (2) unless the logits are greedy
 * (temperature 0), one {@code nextDouble()} per committed row, rows ascending, for its token
 * ({@link SampledTokens#token}). Greedy decoding therefore still draws the Bernoulli trials, except on the last step,
 * where nothing is drawn. It reads no setting: the temperature is the logits processor's.
 */
final class OriginSampler implements Sampler {
    @Override
    public StepDecision step(StepContext context, MaskedLogits logits, RandomGenerator random) {
        int rows = logits.rows();
        if (rows == 0) {
            return StepDecision.none();
        }
        float p = Schedule.transferProbability(context.info());
        boolean[] commit = new boolean[rows];
        int n = 0;
        for (int r = 0; r < rows; r++) {
            commit[r] = p >= 1.0f || random.nextDouble() < p;
            if (commit[r]) {
                n++;
            }
        }
        float[] probs = new float[logits.vocab()];
        int[] outRows = new int[n];
        int[] outTokens = new int[n];
        for (int r = 0, i = 0; r < rows; r++) {
            if (commit[r]) {
                outRows[i] = r;
                outTokens[i++] = SampledTokens.token(logits, r, probs, random);
            }
        }
        return new StepDecision(outRows, outTokens);
    }
}
