package dev.dream4j.conformance;

import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.TensorView;
import dev.dream4j.spi.model.DecoderRecipe;
import dev.dream4j.spi.model.TensorMap;
import dev.dream4j.spi.model.TensorRole;

/**
 * A deliberately plain, scalar, double-precision forward pass of any family's decoder, read from its
 * {@link DecoderRecipe} and {@link TensorMap}, for checking backends on tiny checkpoints.
 *
 * <p>Derivation: written from the layer math of {@code docs/dream-semantics.md} §1 (and, for LLaDA, the OLMo/LLaDA
 * block of {@code docs/llada-semantics.md}): pre-norm RMSNorm {@code w * (x / sqrt(mean(x^2) + eps))}; q/k/v with
 * biases when the recipe has them; per-head q/k RMSNorm when it has them; RoPE pairing {@code i} with {@code i + d/2}
 * (or {@code 2i} with {@code 2i+1}); grouped-query attention with the recipe's scale and no causal mask; pair mask
 * {@code visible[i] && visible[j]}, a hidden query outputs zero; o_proj (+ bias); gated MLP
 * {@code down(act(gate(x)) * up(x))} with SiLU or tanh-GELU; final RMSNorm and the LM head. Only the RoPE angle is
 * rounded as the models compute it: {@code inv_freq = 1 / theta^(2i/d)} (divided by the linear scaling factor) and
 * {@code angle = position * inv_freq} in fp32; everything else is in double. It shares no code with any backend and
 * does no blocking, vectorisation or threading; it is slow ({@code O(L^2)} per head) and meant for tiny shapes only.
 */
public final class ReferenceDecoder {
    private final ModelSpec spec;
    private final DecoderRecipe recipe;
    private final Checkpoint checkpoint;
    private final TensorMap names;

    public ReferenceDecoder(ModelDescription model, Checkpoint checkpoint) {
        this.spec = model.spec();
        this.recipe = model.recipe();
        this.checkpoint = checkpoint;
        this.names = model.tensors();
    }

    /** Logits of the batch's requested rows, {@code [rowCount][vocab]}, unshifted. */
    public double[][] forward(ForwardBatch batch) {
        int len = batch.length();
        double[][][] x = embed(batch, 0, len);
        for (int l = 0; l < spec.numLayers(); l++) {
            Layer w = new Layer(l);
            for (int b = 0; b < batch.batch(); b++) {
                double[][][] qkv = qkv(w, batch, b, x[b], 0, len);
                attendAndMlp(w, batch, b, x[b], qkv[0], qkv[1], qkv[2], 0, len);
            }
        }
        return logits(batch, x);
    }

    /**
     * The key/value cache's documented approximation ({@code KvCache}, rule B14): logits of {@code b}'s requested rows
     * (inside the window) after {@code refresh(a)} then {@code window(b, from, to)}. Canvas {@code a} runs a full
     * forward layer by layer; canvas {@code b} runs only the slots {@code [from, to)}, attending at each layer to its
     * own fresh keys and values inside the window and to {@code a}'s keys and values of the same layer outside it.
     */
    public double[][] window(ForwardBatch a, ForwardBatch b, int from, int to) {
        int len = a.length();
        double[][][] xa = embed(a, 0, len);
        double[][][] xb = embed(b, from, to);
        for (int l = 0; l < spec.numLayers(); l++) {
            Layer w = new Layer(l);
            for (int r = 0; r < a.batch(); r++) {
                double[][][] kvA = qkv(w, a, r, xa[r], 0, len);
                double[][][] kvB = qkv(w, b, r, xb[r], from, to);
                double[][] kMix = kvA[1].clone();
                double[][] vMix = kvA[2].clone();
                for (int j = from; j < to; j++) {
                    kMix[j] = kvB[1][j];
                    vMix[j] = kvB[2][j];
                }
                attendAndMlp(w, a, r, xa[r], kvA[0], kvA[1], kvA[2], 0, len);
                attendAndMlp(w, b, r, xb[r], kvB[0], kMix, vMix, from, to);
            }
        }
        return logits(b, xb);
    }

    /** Embeddings of slots {@code [from, to)} of every row (other slots stay null). */
    private double[][][] embed(ForwardBatch batch, int from, int to) {
        int h = spec.hiddenSize();
        double[][][] x = new double[batch.batch()][batch.length()][];
        for (int b = 0; b < batch.batch(); b++) {
            for (int j = from; j < to; j++) {
                x[b][j] = row(names.name(TensorRole.EMBEDDING), batch.token(b, j), h);
            }
        }
        return x;
    }

    private double[][] logits(ForwardBatch batch, double[][][] x) {
        int len = batch.length();
        double[] normW = vec(names.name(TensorRole.FINAL_NORM));
        double[][] lm = mat(names.name(TensorRole.LM_HEAD));
        double[][] out = new double[batch.rowCount()][];
        for (int r = 0; r < batch.rowCount(); r++) {
            int slot = batch.row(r);
            out[r] = linear(lm, rmsNorm(x[slot / len][slot % len], normW), null);
        }
        return out;
    }

    private final class Layer {
        final double[] inNorm, postNorm, bq, bk, bv, qNorm, kNorm, bo;
        final double[][] wq, wk, wv, wo, gate, up, down;

        Layer(int l) {
            inNorm = vec(names.name(TensorRole.ATTENTION_NORM, l));
            postNorm = vec(names.name(TensorRole.MLP_NORM, l));
            wq = mat(names.name(TensorRole.Q, l));
            wk = mat(names.name(TensorRole.K, l));
            wv = mat(names.name(TensorRole.V, l));
            boolean bias = recipe.qkvBias();
            bq = bias ? vec(names.name(TensorRole.Q_BIAS, l)) : null;
            bk = bias ? vec(names.name(TensorRole.K_BIAS, l)) : null;
            bv = bias ? vec(names.name(TensorRole.V_BIAS, l)) : null;
            qNorm = recipe.qkNorm() ? vec(names.name(TensorRole.Q_NORM, l)) : null;
            kNorm = recipe.qkNorm() ? vec(names.name(TensorRole.K_NORM, l)) : null;
            wo = mat(names.name(TensorRole.O, l));
            bo = recipe.outputBias() ? vec(names.name(TensorRole.O_BIAS, l)) : null;
            gate = mat(names.name(TensorRole.GATE, l));
            up = mat(names.name(TensorRole.UP, l));
            down = mat(names.name(TensorRole.DOWN, l));
        }
    }

    /** q, k (both after RoPE) and v of slots {@code [from, to)} of row {@code b}; other entries stay null. */
    private double[][][] qkv(Layer w, ForwardBatch batch, int b, double[][] x, int from, int to) {
        int len = x.length;
        double[][][] out = new double[3][len][];
        for (int j = from; j < to; j++) {
            double[] n = rmsNorm(x[j], w.inNorm);
            out[0][j] = rope(headNorm(linear(w.wq, n, w.bq), w.qNorm), batch.position(b, j));
            out[1][j] = rope(headNorm(linear(w.wk, n, w.bk), w.kNorm), batch.position(b, j));
            out[2][j] = linear(w.wv, n, w.bv);
        }
        return out;
    }

    /**
     * Attention of the queries {@code [from, to)} over every visible slot's k/v (no causal mask; a hidden query
     * outputs zero), then o_proj, residual, and the SwiGLU MLP with its residual, in place.
     */
    private void attendAndMlp(Layer w, ForwardBatch batch, int b, double[][] x, double[][] q, double[][] k,
                              double[][] v, int from, int to) {
        int len = x.length;
        int d = spec.headDim();
        int heads = spec.numHeads();
        int perKv = heads / spec.numKvHeads();
        for (int i = from; i < to; i++) {
            double[] attn = new double[heads * d];
            if (batch.isVisible(b, i)) {
                for (int hd = 0; hd < heads; hd++) {
                    int kvh = hd / perKv;
                    double[] scores = new double[len];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < len; j++) {
                        if (!batch.isVisible(b, j)) {
                            continue;
                        }
                        double s = 0;
                        for (int e = 0; e < d; e++) {
                            s += q[i][hd * d + e] * k[j][kvh * d + e];
                        }
                        scores[j] = s * recipe.attentionScale();
                        max = Math.max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < len; j++) {
                        if (batch.isVisible(b, j)) {
                            scores[j] = Math.exp(scores[j] - max);
                            sum += scores[j];
                        }
                    }
                    for (int j = 0; j < len; j++) {
                        if (batch.isVisible(b, j)) {
                            for (int e = 0; e < d; e++) {
                                attn[hd * d + e] += scores[j] / sum * v[j][kvh * d + e];
                            }
                        }
                    }
                }
            }
            double[] o = linear(w.wo, attn, w.bo);
            for (int e = 0; e < o.length; e++) {
                x[i][e] += o[e];
            }
            double[] n = rmsNorm(x[i], w.postNorm);
            double[] g = linear(w.gate, n, null);
            double[] u = linear(w.up, n, null);
            for (int e = 0; e < g.length; e++) {
                g[e] = activation(g[e]) * u[e];
            }
            double[] m = linear(w.down, g, null);
            for (int e = 0; e < m.length; e++) {
                x[i][e] += m[e];
            }
        }
    }

    private double activation(double g) {
        return switch (recipe.activation()) {
            case SILU -> g / (1 + Math.exp(-g));
            case GELU_TANH -> 0.5 * g * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (g + 0.044715 * g * g * g)));
        };
    }

    /** Per-head RMS norm of a projection (q/k norm); unchanged when the recipe has none. */
    private double[] headNorm(double[] t, double[] w) {
        if (w == null) {
            return t;
        }
        int d = spec.headDim();
        double[] out = new double[t.length];
        for (int head = 0; head < t.length / d; head++) {
            double[] one = java.util.Arrays.copyOfRange(t, head * d, (head + 1) * d);
            System.arraycopy(rmsNorm(one, w), 0, out, head * d, d);
        }
        return out;
    }

    private double[] rope(double[] t, int position) {
        int d = spec.headDim();
        int half = d / 2;
        boolean interleaved = recipe.rope().style() == DecoderRecipe.RopeStyle.INTERLEAVED;
        double[] out = t.clone();
        for (int head = 0; head < t.length / d; head++) {
            int o = head * d;
            for (int i = 0; i < half; i++) {
                float invFreq = 1.0f / (float) Math.pow(recipe.rope().theta(), (float) (2 * i) / (float) d);
                if (recipe.rope().linearScaling() != 1.0) {
                    invFreq = invFreq / (float) recipe.rope().linearScaling();
                }
                float angle = (float) position * invFreq;
                double c = Math.cos(angle), s = Math.sin(angle);
                int i1 = interleaved ? o + 2 * i : o + i;
                int i2 = interleaved ? i1 + 1 : o + half + i;
                out[i1] = t[i1] * c - t[i2] * s;
                out[i2] = t[i2] * c + t[i1] * s;
            }
        }
        return out;
    }

    private double[] rmsNorm(double[] x, double[] w) {
        double ss = 0;
        for (double v : x) {
            ss += v * v;
        }
        double inv = 1.0 / Math.sqrt(ss / x.length + recipe.normEps());
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = w[i] * (x[i] * inv);
        }
        return out;
    }

    private static double[] linear(double[][] w, double[] x, double[] bias) {
        double[] out = new double[w.length];
        for (int n = 0; n < w.length; n++) {
            double s = bias == null ? 0 : bias[n];
            for (int k = 0; k < x.length; k++) {
                s += w[n][k] * x[k];
            }
            out[n] = s;
        }
        return out;
    }

    private double[] vec(String name) {
        TensorView t = checkpoint.tensor(name);
        double[] out = new double[(int) t.elementCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = t.getFloat(i);
        }
        return out;
    }

    private double[][] mat(String name) {
        TensorView t = checkpoint.tensor(name);
        int rows = (int) t.dim(0), cols = (int) t.dim(1);
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = t.getFloat((long) r * cols + c);
            }
        }
        return out;
    }

    private double[] row(String name, int r, int cols) {
        TensorView t = checkpoint.tensor(name);
        double[] out = new double[cols];
        for (int c = 0; c < cols; c++) {
            out[c] = t.getFloat((long) r * cols + c);
        }
        return out;
    }

    /**
     * The fidelity metric of the backend rules: {@code max_v |actual - expected| / max_v |expected|} over one row.
     */
    public static double rowError(float[] actual, int offset, double[] expected) {
        double maxAbs = 0, maxDiff = 0;
        for (int v = 0; v < expected.length; v++) {
            maxAbs = Math.max(maxAbs, Math.abs(expected[v]));
            double diff = Math.abs(actual[offset + v] - expected[v]);
            if (Double.isNaN(diff)) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, diff);
        }
        return maxDiff / Math.max(maxAbs, 1e-30);
    }
}
