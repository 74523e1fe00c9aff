package dev.dream4j.samplers;

import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.GenerationDefaults;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.SpecialTokens;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepInfo;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;

/** Hand-built inputs for the unit tests. */
final class Fixtures {
    static final float DROP = -Float.MAX_VALUE;

    private Fixtures() {
    }

    /** Logits rows whose softmax is exactly the given probabilities (ln p; 0 becomes the dropped value). */
    static float[] logitsOf(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < probs.length; i++) {
            l[i] = probs[i] == 0 ? DROP : (float) Math.log(probs[i]);
        }
        return l;
    }

    /** Masked logits of one batch row at the given positions. */
    static MaskedLogits rows(int[] positions, float[]... rows) {
        return rows(new int[positions.length], positions, rows);
    }

    static MaskedLogits rows(int[] batch, int[] positions, float[]... rows) {
        int vocab = rows[0].length;
        float[] data = new float[rows.length * vocab];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, data, r * vocab, vocab);
        }
        return new MaskedLogits(new Logits(rows.length, vocab, data), batch, positions);
    }

    /**
     * A copy of {@code logits} as the engine hands it to a sampler under {@code params}: after the temperature
     * processor, the temperature's one owner (at 0 it marks the rows greedy).
     */
    static MaskedLogits tempered(MaskedLogits logits, SamplingParams params) {
        int[] batch = new int[logits.rows()];
        int[] positions = new int[logits.rows()];
        for (int r = 0; r < logits.rows(); r++) {
            batch[r] = logits.batchIndex(r);
            positions[r] = logits.position(r);
        }
        MaskedLogits copy = new MaskedLogits(new Logits(logits.rows(), logits.vocab(), logits.logits().data().clone()),
                batch, positions);
        new TemperatureProcessorProvider().create(params, model(logits.vocab(), 0))
                .ifPresent(p -> p.process(new StepInfo(0, 1, 1f, 0f), copy));
        return copy;
    }

    /** The context matching {@code logits}: a canvas of {@code length} slots per row, masked exactly at its rows. */
    static StepContext context(StepInfo info, int batch, int length, MaskedLogits logits) {
        int mask = 99;
        int[] canvas = new int[batch * length];
        int[] counts = new int[batch];
        for (int r = 0; r < logits.rows(); r++) {
            canvas[logits.batchIndex(r) * length + logits.position(r)] = mask;
            counts[logits.batchIndex(r)]++;
        }
        return new StepContext(info, batch, length, mask, canvas, counts);
    }

    static SamplingParams params(double temperature, double algTemp) {
        return new SamplingParams(temperature, OptionalDouble.empty(), OptionalInt.empty(), algTemp, 1e-3, 0, 8);
    }

    static SamplingParams params(double temperature, OptionalDouble topP, OptionalInt topK, double padPenalty) {
        return new SamplingParams(temperature, topP, topK, 0, 1e-3, padPenalty, 8);
    }

    static ModelDescription model(int vocab, int pad) {
        ModelSpec spec = new ModelSpec(8, 16, 1, 2, 1, 4, vocab, 64);
        SpecialTokens tokens = new SpecialTokens(vocab - 1, pad, pad, OptionalInt.empty(), OptionalInt.empty(), pad);
        return new ModelDescription("dream", spec, dev.dream4j.conformance.CheckpointFixtures.qwen2Recipe(4),
                dev.dream4j.conformance.CheckpointFixtures.qwen2Tensors(), tokens, 1, GenerationDefaults.none(), 64);
    }

    /** Returns the given doubles from nextDouble, in order, and fails on anything else or when they run out. */
    static final class Scripted implements RandomGenerator {
        private final Deque<Double> values = new ArrayDeque<>();

        Scripted(double... values) {
            for (double v : values) {
                this.values.add(v);
            }
        }

        @Override
        public double nextDouble() {
            if (values.isEmpty()) {
                throw new AssertionError("more draws than scripted");
            }
            return values.poll();
        }

        @Override
        public long nextLong() {
            throw new AssertionError("only nextDouble is expected");
        }

        int left() {
            return values.size();
        }
    }
}
