package dev.dream4j.api;

/** Receives every denoising step, and may stop the generation. Called on the generating thread. */
@FunctionalInterface
public interface DenoisingListener {

    /** Whether the loop goes on. */
    enum Decision { CONTINUE, STOP }

    /** Listens to nothing. */
    DenoisingListener NONE = step -> Decision.CONTINUE;

    /**
     * Called after each step. Returning {@link Decision#STOP} ends the loop before the next forward pass and makes the
     * call throw {@link GenerationCancelledException}.
     */
    Decision onStep(DenoisingStep step);
}
