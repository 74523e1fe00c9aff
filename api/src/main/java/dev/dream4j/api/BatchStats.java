package dev.dream4j.api;

/**
 * Counters of continuous batching since the model was loaded.
 *
 * @param activeGenerations generations running now
 * @param forwards          step forwards run
 * @param sharedForwards    forwards that carried more than one generation
 * @param rows              canvas rows the forwards carried
 */
public record BatchStats(int activeGenerations, long forwards, long sharedForwards, long rows) {
}
