package dev.dream4j.api;

import java.util.List;

/**
 * The middle that fills the hole.
 *
 * @param middle     decoded middle, special tokens skipped
 * @param middleIds  the middle's token ids
 * @param steps      iterations run
 * @param expansions expand tokens turned into two masks
 * @param deletions  delete tokens removed
 */
public record InfillResult(String middle, List<Integer> middleIds, int steps, int expansions, int deletions) {
    public InfillResult {
        middleIds = List.copyOf(middleIds);
    }
}
