package dev.dream4j.cli;

import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.JsonConfig;
import dev.dream4j.spi.model.TensorView;

/**
 * A deliberately plain double-precision Dream forward (one unpadded sequence, positions 0..n-1), written for the
 * CLI tests from {@code dream-semantics.md} §1 alone: it shares no code with any backend. Weights are read element by
 * element from the checkpoint and widened to double.
 */
final class ScalarDream {
    private final Checkpoint cp;
    private final int hidden, heads, kvHeads, headDim, layers, vocab, inter;
    private final double eps, theta;

    ScalarDream(Checkpoint cp) {
        this.cp = cp;
        JsonConfig c = cp.config();
        hidden = c.requireInt("hidden_size");
        heads = c.requireInt("num_attention_heads");
        kvHeads = c.requireInt("num_key_value_heads");
        headDim = c.optionalInt("head_dim").orElse(hidden / heads);
        layers = c.requireInt("num_hidden_layers");
        vocab = c.requireInt("vocab_size");
        inter = c.requireInt("intermediate_size");
        eps = c.requireDouble("rms_norm_eps");
        theta = c.requireDouble("rope_theta");
    }

    private double[] vec(String name) {
        TensorView t = cp.tensor(name);
        double[] v = new double[(int) t.elementCount()];
        for (int i = 0; i < v.length; i++) v[i] = t.getFloat(i);
        return v;
    }

    /** y[n][out] = x[n][in] · W[out][in]^T (+ b). */
    private double[][] linear(double[][] x, String weight, String bias) {
        TensorView w = cp.tensor(weight);
        int out = (int) w.dim(0), in = (int) w.dim(1);
        double[] b = bias == null ? null : vec(bias);
        double[][] y = new double[x.length][out];
        for (int o = 0; o < out; o++) {
            double[] row = new double[in];
            for (int k = 0; k < in; k++) row[k] = w.getFloat((long) o * in + k);
            for (int n = 0; n < x.length; n++) {
                double s = b == null ? 0 : b[o];
                for (int k = 0; k < in; k++) s += x[n][k] * row[k];
                y[n][o] = s;
            }
        }
        return y;
    }

    private double[][] rmsNorm(double[][] x, String weight) {
        double[] w = vec(weight);
        double[][] y = new double[x.length][];
        for (int n = 0; n < x.length; n++) {
            double ss = 0;
            for (double v : x[n]) ss += v * v;
            double r = 1 / Math.sqrt(ss / x[n].length + eps);
            y[n] = new double[x[n].length];
            for (int i = 0; i < x[n].length; i++) y[n][i] = w[i] * x[n][i] * r;
        }
        return y;
    }

    /** Rotate-half RoPE of head h (width headDim) at position p, in place. */
    private void rope(double[] v, int offset, int p) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double freq = Math.pow(theta, -2.0 * i / headDim);
            double a = p * freq, c = Math.cos(a), s = Math.sin(a);
            double x1 = v[offset + i], x2 = v[offset + i + half];
            v[offset + i] = x1 * c - x2 * s;
            v[offset + i + half] = x2 * c + x1 * s;
        }
    }

    double[][] logits(int[] ids) {
        int n = ids.length;
        TensorView emb = cp.tensor("model.embed_tokens.weight");
        double[][] x = new double[n][hidden];
        for (int t = 0; t < n; t++) for (int i = 0; i < hidden; i++) x[t][i] = emb.getFloat((long) ids[t] * hidden + i);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            double[][] h = rmsNorm(x, p + "input_layernorm.weight");
            double[][] q = linear(h, p + "self_attn.q_proj.weight", p + "self_attn.q_proj.bias");
            double[][] k = linear(h, p + "self_attn.k_proj.weight", p + "self_attn.k_proj.bias");
            double[][] v = linear(h, p + "self_attn.v_proj.weight", p + "self_attn.v_proj.bias");
            for (int t = 0; t < n; t++) {
                for (int hh = 0; hh < heads; hh++) rope(q[t], hh * headDim, t);
                for (int hh = 0; hh < kvHeads; hh++) rope(k[t], hh * headDim, t);
            }
            double[][] att = new double[n][heads * headDim];
            int group = heads / kvHeads;
            for (int hh = 0; hh < heads; hh++) {
                int kh = hh / group;
                for (int i = 0; i < n; i++) {
                    double[] s = new double[n];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < n; j++) { // bidirectional: every key
                        double d = 0;
                        for (int e = 0; e < headDim; e++) d += q[i][hh * headDim + e] * k[j][kh * headDim + e];
                        s[j] = d / Math.sqrt(headDim);
                        max = Math.max(max, s[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < n; j++) { s[j] = Math.exp(s[j] - max); sum += s[j]; }
                    for (int j = 0; j < n; j++) for (int e = 0; e < headDim; e++) att[i][hh * headDim + e] += s[j] / sum * v[j][kh * headDim + e];
                }
            }
            double[][] o = linear(att, p + "self_attn.o_proj.weight", null);
            for (int t = 0; t < n; t++) for (int i = 0; i < hidden; i++) x[t][i] += o[t][i];
            h = rmsNorm(x, p + "post_attention_layernorm.weight");
            double[][] g = linear(h, p + "mlp.gate_proj.weight", null);
            double[][] u = linear(h, p + "mlp.up_proj.weight", null);
            for (int t = 0; t < n; t++) for (int i = 0; i < inter; i++) g[t][i] = g[t][i] / (1 + Math.exp(-g[t][i])) * u[t][i];
            double[][] d = linear(g, p + "mlp.down_proj.weight", null);
            for (int t = 0; t < n; t++) for (int i = 0; i < hidden; i++) x[t][i] += d[t][i];
        }
        double[][] h = rmsNorm(x, "model.norm.weight");
        double[][] out = linear(h, "lm_head.weight", null);
        if (out[0].length != vocab) throw new IllegalStateException("lm_head rows " + out[0].length + " != vocab " + vocab);
        return out;
    }
}
