package dev.dream4j.backend.onnx;

import dev.dream4j.spi.backend.ForwardBatch;

import java.util.SplittableRandom;

/** Test batches: random tokens, optional left padding with Dream's position and mask rules. */
final class Batches {
    private Batches() {
    }

    /**
     * {@code pads[b]} leading pad slots per row; positions are prefix sums of visibility minus one, pads at 1
     * ({@code dream-semantics.md} §1). All rows requested.
     */
    static ForwardBatch leftPadded(int vocab, int length, long seed, int... pads) {
        int bsz = pads.length;
        SplittableRandom rnd = new SplittableRandom(seed);
        int[] tokens = new int[bsz * length];
        int[] pos = new int[bsz * length];
        boolean[] vis = new boolean[bsz * length];
        boolean any = false;
        for (int b = 0; b < bsz; b++) {
            int seen = 0;
            for (int j = 0; j < length; j++) {
                int at = b * length + j;
                vis[at] = j >= pads[b];
                any |= !vis[at];
                tokens[at] = rnd.nextInt(vocab);
                if (vis[at]) {
                    seen++;
                    pos[at] = seen - 1;
                } else {
                    pos[at] = 1;
                }
            }
        }
        return ForwardBatch.of(bsz, length, tokens, pos, any ? vis : null, ForwardBatch.allRows(bsz, length));
    }

    /** max |a - ref| / max |ref| over the requested rows (hidden rows included: both sides zero their attention). */
    static double maxRelError(ForwardBatch fb, float[] actual, int vocab, RowSource reference) {
        double maxDiff = 0;
        double maxRef = 0;
        for (int r = 0; r < fb.rowCount(); r++) {
            for (int v = 0; v < vocab; v++) {
                double ref = reference.get(r, v);
                maxDiff = Math.max(maxDiff, Math.abs(actual[r * vocab + v] - ref));
                maxRef = Math.max(maxRef, Math.abs(ref));
            }
        }
        return maxDiff / maxRef;
    }

    /** Reference logits by (requested row, token). */
    interface RowSource {
        double get(int row, int token);
    }
}
