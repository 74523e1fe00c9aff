package dev.dream4j.tokenizer.hf.template;

/**
 * The sandbox budgets of one render. Templates come from downloaded checkpoints, so rendering is bounded: every
 * executed node, loop iteration, range element and evaluated list item costs a step, every built string or list
 * costs a step per 16 characters or elements; the rendered text is capped; block and expression nesting is capped
 * at parse time.
 *
 * @param maxSteps       the step budget of one render
 * @param maxOutputChars the largest rendered text, and the largest string or list a template may build
 * @param maxDepth       the deepest nesting of blocks, brackets and values
 */
public record Limits(long maxSteps, int maxOutputChars, int maxDepth) {
    /** 2 million steps, 4 Mi characters, depth 64: far above any published chat template. */
    public static final Limits DEFAULT = new Limits(2_000_000, 4 << 20, 64);

    public Limits {
        if (maxSteps < 1 || maxOutputChars < 1 || maxDepth < 1) {
            throw new IllegalArgumentException("template limits must be positive: " + maxSteps + ", " + maxOutputChars + ", " + maxDepth);
        }
    }
}
