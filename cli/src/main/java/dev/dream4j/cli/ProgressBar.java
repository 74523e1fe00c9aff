package dev.dream4j.cli;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;

import java.io.PrintWriter;

/** A one-line progress bar on stderr, redrawn in place after each denoising step. */
final class ProgressBar implements DenoisingListener {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final long start = System.nanoTime();
    private boolean drawn;

    ProgressBar(PrintWriter err) {
        this.err = err;
    }

    /** Whether a person is probably watching (an interactive terminal). */
    static boolean interactive() {
        var console = System.console();
        return console != null && console.isTerminal();
    }

    @Override
    public Decision onStep(DenoisingStep step) {
        int done = step.step() + 1;
        int filled = (int) ((long) WIDTH * done / Math.max(1, step.totalSteps()));
        double seconds = (System.nanoTime() - start) / 1e9;
        err.print("\r[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + step.totalSteps()
                + " steps, " + step.masksLeft() + " masks left, " + String.format("%.1f", seconds) + " s ");
        err.flush();
        drawn = true;
        return Decision.CONTINUE;
    }

    void finish() {
        if (drawn) {
            err.println();
            err.flush();
        }
    }
}
