package dev.dream4j.api;

/**
 * A listener cancelled the generation ({@link DenoisingListener.Decision#CANCEL}, or {@code STOP} while infilling), or
 * the generating thread was interrupted. A generation's {@code STOP} returns its partial result instead.
 */
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
