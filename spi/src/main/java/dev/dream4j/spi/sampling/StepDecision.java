package dev.dream4j.spi.sampling;

import java.util.Arrays;

/**
 * What a step commits: masked-logits row {@code rows[i]} gets token {@code tokens[i]}. The engine refuses commits to
 * slots that are not masked.
 */
public record StepDecision(int[] rows, int[] tokens) {

    public StepDecision {
        if (rows.length != tokens.length) {
            throw new IllegalArgumentException("rows and tokens differ in length");
        }
        rows = rows.clone();
        tokens = tokens.clone();
    }

    public static StepDecision none() {
        return new StepDecision(new int[0], new int[0]);
    }

    public int size() {
        return rows.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StepDecision d && Arrays.equals(rows, d.rows) && Arrays.equals(tokens, d.tokens);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rows) + Arrays.hashCode(tokens);
    }

    @Override
    public String toString() {
        return "StepDecision[rows=" + Arrays.toString(rows) + ", tokens=" + Arrays.toString(tokens) + "]";
    }
}
