package dev.dream4j.api;

/**
 * The decoder's dimensions, for sizing and FLOP counts.
 *
 * @param layers       decoder layers
 * @param hidden       hidden size
 * @param intermediate MLP intermediate size
 * @param heads        query heads
 * @param kvHeads      key/value heads
 * @param headDim      per-head dimension
 * @param vocab        embedding / output rows
 */
public record ModelDimensions(int layers, int hidden, int intermediate, int heads, int kvHeads, int headDim, int vocab) {
}
