package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.ConfidenceSelector;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;

import java.util.random.RandomGenerator;

/**
 * Dream's {@code maskgit_plus}, {@code topk_margin} and {@code entropy}: each batch row commits its
 * {@link Schedule#transferCount} most confident slots (or, with {@code alg_temp > 0}, that many slots drawn without
 * replacement from {@code softmax(conf / alg_temp)}). The slot choice, its random draws and its tie rules are
 * {@link ConfidenceSelector}'s, which infilling uses too with {@code tokens_per_step} as the count; this class only
 * adds the schedule.
 */
final class ConfidenceSampler implements Sampler {
    private final ConfidenceSelector selector;

    ConfidenceSampler(Confidence confidence, SamplingParams params) {
        this.selector = new ConfidenceSelector(confidence, params.algTemp());
    }

    @Override
    public StepDecision step(StepContext context, MaskedLogits logits, RandomGenerator random) {
        int k = Schedule.transferCount(Schedule.averageMasks(context.totalMasks(), context.batch()), context.info());
        return selector.select(logits, Math.max(0, k), random);
    }
}
