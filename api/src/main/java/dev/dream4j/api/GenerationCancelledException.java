package dev.dream4j.api;

/** A listener stopped the generation, or the generating thread was interrupted. */
public class GenerationCancelledException extends Dream4jException {
    private final int stepsDone;

    public GenerationCancelledException(int stepsDone) {
        super("generation cancelled after " + stepsDone + " step(s)");
        this.stepsDone = stepsDone;
    }

    public int stepsDone() {
        return stepsDone;
    }
}
