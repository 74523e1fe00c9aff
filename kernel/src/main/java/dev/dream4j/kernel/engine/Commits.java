package dev.dream4j.kernel.engine;

import dev.dream4j.api.Dream4jException;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.sampling.StepDecision;

import java.util.ArrayList;
import java.util.List;

/** What the denoising loop checks of a step's plug-in outputs, and how a decision is written into the canvas. */
final class Commits {

    private Commits() {
    }

    /** The backend answered exactly the rows asked for, over the whole vocabulary. */
    static void checkLogits(Logits logits, int rows, int vocab) {
        if (logits.rows() != rows || logits.vocab() != vocab) {
            throw new Dream4jException("backend returned " + logits.rows() + "x" + logits.vocab()
                    + " logits for " + rows + " requested rows of vocabulary " + vocab);
        }
    }

    /**
     * Writes {@code decision} into the canvas {@code x} ({@code batch × length}): masked-logits row r is slot
     * ({@code slotBatch[r]}, {@code slotPos[r]}). Refuses rows that do not exist, ids outside the vocabulary and slots
     * that are no longer masked, naming the sampler.
     *
     * @return per batch row, the positions committed
     */
    static List<List<Integer>> apply(StepDecision decision, String sampler, int[] slotBatch, int[] slotPos, int[] x,
                                     int batch, int length, int mask, int vocab) {
        List<List<Integer>> committed = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            committed.add(new ArrayList<>());
        }
        int rows = slotBatch.length;
        for (int k = 0; k < decision.size(); k++) {
            int row = decision.rows()[k];
            int token = decision.tokens()[k];
            if (row < 0 || row >= rows) {
                throw new Dream4jException("sampler '" + sampler + "' committed row " + row
                        + " but only " + rows + " masked rows exist");
            }
            if (token < 0 || token >= vocab) {
                throw new Dream4jException("sampler '" + sampler + "' committed token id " + token
                        + " outside the vocabulary [0, " + vocab + ")");
            }
            int slot = slotBatch[row] * length + slotPos[row];
            if (x[slot] != mask) {
                throw new Dream4jException("sampler '" + sampler + "' committed slot ("
                        + slotBatch[row] + ", " + slotPos[row] + ") twice in one step");
            }
            x[slot] = token;
            committed.get(slotBatch[row]).add(slotPos[row]);
        }
        return committed;
    }
}
