package dev.dream4j.backend.onnx;

import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.TensorView;
import dev.dream4j.spi.model.WeightNames;

/**
 * An independent, deliberately naive double-precision Dream forward pass ({@code dream-semantics.md} §1), written
 * straight from the layer math: no ONNX, no shared code with the backend. Hidden queries produce a zero attention
 * output (PyTorch SDPA behaviour for fully masked rows).
 */
final class DoubleReference {
    private final ModelSpec s;
    private final WeightNames n;
    private final Checkpoint cp;

    DoubleReference(ModelDescription model, Checkpoint cp) {
        this.s = model.spec();
        this.n = model.weights();
        this.cp = cp;
    }

    private double[] vec(String name) {
        TensorView t = cp.tensor(name);
        double[] v = new double[(int) t.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t.getFloat(i);
        }
        return v;
    }

    /** y = W x (+ b), W [out, in] row-major. */
    private static double[] linear(double[] w, double[] b, double[] x, int out) {
        int in = x.length;
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double acc = b == null ? 0 : b[o];
            for (int i = 0; i < in; i++) {
                acc += w[o * in + i] * x[i];
            }
            y[o] = acc;
        }
        return y;
    }

    private double[] rms(double[] x, double[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double r = 1.0 / Math.sqrt(ss / x.length + s.rmsNormEps());
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = w[i] * x[i] * r;
        }
        return y;
    }

    private void rope(double[] v, int heads, int pos) {
        int d = s.headDim();
        int half = d / 2;
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                double invFreq = 1.0 / Math.pow(s.ropeTheta(), (2.0 * i) / d);
                double a = pos * invFreq;
                double c = Math.cos(a);
                double sn = Math.sin(a);
                double x1 = v[h * d + i];
                double x2 = v[h * d + half + i];
                v[h * d + i] = x1 * c - x2 * sn;
                v[h * d + half + i] = x2 * c + x1 * sn;
            }
        }
    }

    /** Logits {@code [rows][vocab]} for the batch's requested rows. */
    double[][] forward(ForwardBatch fb) {
        return forward(fb, null, 0, fb.length(), null);
    }

    /** Post-RoPE keys and values {@code [layer][row][slot][kv_dim]} of one forward. */
    record Kv(double[][][][] k, double[][][][] v) {
        static Kv of(int layers, int batch, int length) {
            return new Kv(new double[layers][batch][length][], new double[layers][batch][length][]);
        }
    }

    /**
     * A cached forward: at every layer, slots {@code [from, to)} compute fresh keys and values from this batch while
     * every other slot's keys and values are {@code stale}'s of the same layer (null: all fresh, then from/to must
     * cover the canvas); only window slots' hidden states are propagated. {@code capture} (may be null) receives the
     * keys and values used. Requested rows must lie in the window.
     */
    double[][] forward(ForwardBatch fb, Kv stale, int from, int to, Kv capture) {
        int bsz = fb.batch();
        int len = fb.length();
        int hid = s.hiddenSize();
        double[] emb = vec(n.embedTokens());
        double[][][] x = new double[bsz][len][];
        for (int b = 0; b < bsz; b++) {
            for (int j = 0; j < len; j++) {
                int t = fb.token(b, j);
                x[b][j] = java.util.Arrays.copyOfRange(emb, t * hid, (t + 1) * hid);
            }
        }
        int hd = s.headDim();
        int group = s.numHeads() / s.numKvHeads();
        for (int l = 0; l < s.numLayers(); l++) {
            double[] wIn = vec(n.layer(l, WeightNames.INPUT_NORM));
            double[] wq = vec(n.layer(l, WeightNames.Q_WEIGHT));
            double[] bq = vec(n.layer(l, WeightNames.Q_BIAS));
            double[] wk = vec(n.layer(l, WeightNames.K_WEIGHT));
            double[] bk = vec(n.layer(l, WeightNames.K_BIAS));
            double[] wv = vec(n.layer(l, WeightNames.V_WEIGHT));
            double[] bv = vec(n.layer(l, WeightNames.V_BIAS));
            double[] wo = vec(n.layer(l, WeightNames.O_WEIGHT));
            double[] wPost = vec(n.layer(l, WeightNames.POST_ATTENTION_NORM));
            double[] wg = vec(n.layer(l, WeightNames.GATE_WEIGHT));
            double[] wu = vec(n.layer(l, WeightNames.UP_WEIGHT));
            double[] wd = vec(n.layer(l, WeightNames.DOWN_WEIGHT));
            for (int b = 0; b < bsz; b++) {
                double[][] q = new double[len][];
                double[][] k = new double[len][];
                double[][] v = new double[len][];
                for (int j = 0; j < len; j++) {
                    if (stale != null && (j < from || j >= to)) {
                        k[j] = stale.k()[l][b][j];
                        v[j] = stale.v()[l][b][j];
                        continue;
                    }
                    double[] h = rms(x[b][j], wIn);
                    q[j] = linear(wq, bq, h, s.qDim());
                    k[j] = linear(wk, bk, h, s.kvDim());
                    v[j] = linear(wv, bv, h, s.kvDim());
                    rope(q[j], s.numHeads(), fb.position(b, j));
                    rope(k[j], s.numKvHeads(), fb.position(b, j));
                }
                if (capture != null) {
                    capture.k()[l][b] = k.clone();
                    capture.v()[l][b] = v.clone();
                }
                double[][] att = new double[len][s.qDim()];
                for (int i = from; i < to; i++) {
                    if (!fb.isVisible(b, i)) {
                        continue;
                    }
                    for (int h = 0; h < s.numHeads(); h++) {
                        int kvh = h / group;
                        double[] score = new double[len];
                        double max = Double.NEGATIVE_INFINITY;
                        for (int j = 0; j < len; j++) {
                            if (!fb.isVisible(b, j)) {
                                score[j] = Double.NEGATIVE_INFINITY;
                                continue;
                            }
                            double dot = 0;
                            for (int d = 0; d < hd; d++) {
                                dot += q[i][h * hd + d] * k[j][kvh * hd + d];
                            }
                            score[j] = dot / Math.sqrt(hd);
                            max = Math.max(max, score[j]);
                        }
                        double sum = 0;
                        for (int j = 0; j < len; j++) {
                            score[j] = score[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(score[j] - max);
                            sum += score[j];
                        }
                        for (int j = 0; j < len; j++) {
                            double p = score[j] / sum;
                            for (int d = 0; d < hd; d++) {
                                att[i][h * hd + d] += p * v[j][kvh * hd + d];
                            }
                        }
                    }
                }
                for (int j = from; j < to; j++) {
                    double[] o = linear(wo, null, att[j], hid);
                    for (int i = 0; i < hid; i++) {
                        x[b][j][i] += o[i];
                    }
                    double[] h = rms(x[b][j], wPost);
                    double[] g = linear(wg, null, h, s.intermediateSize());
                    double[] u = linear(wu, null, h, s.intermediateSize());
                    for (int i = 0; i < g.length; i++) {
                        g[i] = g[i] / (1 + Math.exp(-g[i])) * u[i];
                    }
                    double[] dn = linear(wd, null, g, hid);
                    for (int i = 0; i < hid; i++) {
                        x[b][j][i] += dn[i];
                    }
                }
            }
        }
        double[] wf = vec(n.finalNorm());
        double[] lm = vec(n.lmHead());
        double[][] out = new double[fb.rowCount()][];
        for (int r = 0; r < fb.rowCount(); r++) {
            int slot = fb.row(r);
            if (slot % len < from || slot % len >= to) {
                throw new IllegalArgumentException("row " + slot + " is outside the window");
            }
            out[r] = linear(lm, null, rms(x[slot / len][slot % len], wf), s.vocabSize());
        }
        return out;
    }
}
