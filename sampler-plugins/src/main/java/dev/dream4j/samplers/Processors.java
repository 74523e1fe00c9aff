package dev.dream4j.samplers;

import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.StepInfo;
import dev.dream4j.spi.sampling.TokenMath;

import java.util.Arrays;

/** The logits processors; their providers decide when each is active. */
final class Processors {

    private Processors() {
    }

    /** {@code logit[pad] += penalty * ln(1 - t + eps)}, all float32 like the reference. */
    record PadPenalty(int pad, float penalty, float eps) implements LogitsProcessor {
        static float delta(float penalty, float t, float eps) {
            return penalty * (float) Math.log((1.0f - t) + eps);
        }

        @Override
        public void process(StepInfo step, MaskedLogits logits) {
            int vocab = logits.vocab();
            if (pad < 0 || pad >= vocab) {
                throw new IllegalStateException("pad id " + pad + " outside a vocabulary of " + vocab);
            }
            float d = delta(penalty, step.t(), eps);
            float[] data = logits.logits().data();
            for (int r = 0; r < logits.rows(); r++) {
                data[logits.logits().offset(r) + pad] += d;
            }
        }
    }

    /** Divides every logit by T (a float32 division, like {@code logits / temperature}). */
    record Temperature(float temperature) implements LogitsProcessor {
        @Override
        public void process(StepInfo step, MaskedLogits logits) {
            float[] data = logits.logits().data();
            for (int i = 0; i < data.length; i++) {
                data[i] = data[i] / temperature;
            }
        }
    }

    /** Temperature 0: argmax, no draw; the logits keep their values (they give the confidences). */
    enum Greedy implements LogitsProcessor {
        INSTANCE;

        @Override
        public void process(StepInfo step, MaskedLogits logits) {
            logits.makeGreedy();
        }
    }

    /** Drops logits below the k-th largest of their row; ties at the threshold are kept. */
    record TopK(int k) implements LogitsProcessor {
        @Override
        public void process(StepInfo step, MaskedLogits logits) {
            int vocab = logits.vocab();
            if (k >= vocab) {
                return;
            }
            float[] data = logits.logits().data();
            float[] scratch = new float[vocab];
            for (int r = 0; r < logits.rows(); r++) {
                int off = logits.logits().offset(r);
                for (int v = 0; v < vocab; v++) {
                    float x = data[off + v];
                    scratch[v] = Float.isNaN(x) ? Float.NEGATIVE_INFINITY : x;
                }
                float threshold = TokenMath.kthLargest(scratch, vocab, k);
                for (int v = 0; v < vocab; v++) {
                    if (data[off + v] < threshold) {
                        data[off + v] = TokenMath.DROPPED;
                    }
                }
            }
        }
    }

    /**
     * Nucleus filter: tokens in descending logit order (ties: lower id first), cumulative float32 softmax {@code c};
     * a token is kept when it is the first or the cumulative mass before it is {@code <= top_p}. Only the tokens within
     * a widening window below the row maximum are sorted, as packed primitive keys.
     */
    record TopP(float topP) implements LogitsProcessor {
        @Override
        public void process(StepInfo step, MaskedLogits logits) {
            int vocab = logits.vocab();
            float[] data = logits.logits().data();
            float[] e = new float[vocab];
            long[] keys = new long[vocab];
            int[] kept = new int[vocab];
            float[] keptValues = new float[vocab];
            for (int r = 0; r < logits.rows(); r++) {
                filterRow(data, logits.logits().offset(r), vocab, e, keys, kept, keptValues);
            }
        }

        private void filterRow(float[] data, int off, int vocab, float[] e, long[] keys, int[] kept, float[] keptValues) {
            float max = Float.NEGATIVE_INFINITY;
            for (int v = 0; v < vocab; v++) {
                max = Math.max(max, data[off + v]);
            }
            if (!Float.isFinite(max)) {
                return; // degenerate row: left to the sampler's argmax fallback
            }
            double sum = 0;
            for (int v = 0; v < vocab; v++) {
                float x = (float) Math.exp(data[off + v] - max);
                e[v] = x;
                sum += x;
            }
            float window = 16f;
            int nKept;
            while (true) {
                float cutoff = max - window;
                boolean all = !(cutoff > -Float.MAX_VALUE) || window > 1e6f;
                int n = 0;
                for (int v = 0; v < vocab; v++) {
                    float x = data[off + v];
                    if (all || x >= cutoff) {
                        // descending value, then ascending id: invert the sortable bits
                        keys[n++] = ((long) ~TokenMath.sortableBits(x) << 32) | v;
                    }
                }
                Arrays.sort(keys, 0, n);
                float cum = 0f;
                nKept = -1;
                for (int i = 0; i < n; i++) {
                    if (i > 0 && cum > topP) {
                        nKept = i;
                        break;
                    }
                    int v = (int) keys[i];
                    cum += (float) (e[v] / sum);
                }
                if (nKept < 0 && (all || n == vocab)) {
                    nKept = n;
                }
                if (nKept >= 0) {
                    break;
                }
                window *= 4f;
            }
            if (nKept == vocab) {
                return;
            }
            for (int i = 0; i < nKept; i++) {
                int v = (int) keys[i];
                kept[i] = v;
                keptValues[i] = data[off + v];
            }
            Arrays.fill(data, off, off + vocab, TokenMath.DROPPED);
            for (int i = 0; i < nKept; i++) {
                data[off + kept[i]] = keptValues[i];
            }
        }
    }
}
