package dev.dream4j.spi.sampling;

/** Rewrites the masked logits of a step in place (a penalty, a temperature, a filter). */
@FunctionalInterface
public interface LogitsProcessor {

    void process(StepInfo step, MaskedLogits logits);
}
