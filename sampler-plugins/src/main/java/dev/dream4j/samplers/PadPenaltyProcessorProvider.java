package dev.dream4j.samplers;

import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.LogitsProcessorProvider;
import dev.dream4j.spi.sampling.SamplingParams;

import java.util.Optional;

/**
 * Dream-Coder's annealed pad penalty: {@code logit[pad] += penalty * ln(1 - t + eps)} with {@code t = ts[i]}, in
 * float32; at {@code t = 1}, eps 1e-3, penalty 3 it adds about -20.72. Inactive when the penalty is 0.
 */
public final class PadPenaltyProcessorProvider implements LogitsProcessorProvider {

    @Override
    public String name() {
        return "pad-penalty";
    }

    @Override
    public String description() {
        return "Dream-Coder pad/eos penalty, annealed as penalty * ln(1 - t + eps)";
    }

    @Override
    public int order() {
        return 100;
    }

    @Override
    public Optional<LogitsProcessor> create(SamplingParams params, ModelDescription model) {
        if (params.padPenalty() == 0) {
            return Optional.empty();
        }
        return Optional.of(new Processors.PadPenalty(model.tokens().pad(), (float) params.padPenalty(), (float) params.eps()));
    }
}
