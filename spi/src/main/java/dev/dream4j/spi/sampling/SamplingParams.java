package dev.dream4j.spi.sampling;

import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Resolved sampling settings of one request (request values, else checkpoint defaults, else reference defaults).
 *
 * @param temperature read only by its one owner: the temperature logits processor (0 marks the logits
 *                    {@link MaskedLogits#greedy() greedy}: argmax, no random draw), or a sampler that
 *                    {@link SamplerProvider#appliesTemperature() applies it itself}
 * @param topP        nucleus filter, when set and below 1
 * @param topK        top-k filter, when set
 * @param algTemp     0 means deterministic top-k selection of positions
 * @param eps         last value of the time schedule
 * @param padPenalty  Dream-Coder's annealed pad/eos penalty, 0 = off
 * @param steps       denoising steps
 */
public record SamplingParams(double temperature, OptionalDouble topP, OptionalInt topK, double algTemp, double eps,
                             double padPenalty, int steps) {

    /** These settings with another temperature. */
    public SamplingParams withTemperature(double t) {
        return new SamplingParams(t, topP, topK, algTemp, eps, padPenalty, steps);
    }
}
