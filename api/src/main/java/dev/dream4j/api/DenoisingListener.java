package dev.dream4j.api;

/** Receives every denoising step, and may end the generation. Called on the generating thread. */
@FunctionalInterface
public interface DenoisingListener {

    /** Whether the loop goes on. */
    enum Decision {
        /** Run the next step. */
        CONTINUE,
        /**
         * End the loop after this step and return what it made: {@code generate} returns a {@link GenerationResult}
         * whose {@link GenerationResult#finishReason()} is {@link GenerationResult.FinishReason#STOPPED}, holding the
         * canvas as the step left it (slots still masked hold the mask id; each text is the settled prefix). Infilling
         * has no partial result (its middle is not settled and may still grow): there STOP ends like {@link #CANCEL}.
         */
        STOP,
        /** Abandon the generation: the call throws {@link GenerationCancelledException} (a client went away). */
        CANCEL
    }

    /** Listens to nothing. */
    DenoisingListener NONE = step -> Decision.CONTINUE;

    /**
     * Called after each step. {@link Decision#STOP} and {@link Decision#CANCEL} end the loop before the next forward
     * pass; see {@link Decision} for what the call then returns or throws.
     */
    Decision onStep(DenoisingStep step);
}
