package dev.dream4j.conformance;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendCapabilities;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.infill.InfillTask;
import dev.dream4j.spi.model.GenerationDefaults;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.model.ModelSpec;
import dev.dream4j.spi.model.SpecialTokens;
import dev.dream4j.spi.sampling.Confidence;
import dev.dream4j.spi.sampling.ConfidenceSelector;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.SlotSelector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import java.util.stream.Collectors;

/**
 * The scripted world the infill rules run in ({@code conformance-tests/RULES.md}): a 16-token model
 * description (regular tokens {@code 0..11}, {@link #EXPAND} 12, {@link #BOS} 13, {@link #EOS} 14 = pad = delete,
 * {@link #MASK} 15, logit shift 1), a {@link ScriptedBackend} that answers each forward with the logits a
 * {@link Script} chooses, a recording listener and a task builder. The backend is a test double for loop logic: it
 * knows nothing of transformers, only "this masked slot should become that token with that strength".
 */
public final class InfillHarness {
    public static final int VOCAB = 16;
    public static final int EXPAND = 12;
    public static final int BOS = 13;
    public static final int EOS = 14;
    public static final int DELETE = EOS;
    public static final int MASK = 15;

    private InfillHarness() {
    }

    /** A model description with the harness ids; {@code expand} and {@code bos} choose whether those tokens exist. */
    public static ModelDescription model(boolean expand, boolean bos, int contextLength) {
        ModelSpec spec = new ModelSpec(8, 16, 1, 2, 1, 4, VOCAB, Math.max(contextLength, 1));
        SpecialTokens tokens = new SpecialTokens(MASK, EOS, EOS, bos ? OptionalInt.of(BOS) : OptionalInt.empty(),
                expand ? OptionalInt.of(EXPAND) : OptionalInt.empty(), DELETE);
        return new ModelDescription("scripted", spec, CheckpointFixtures.qwen2Recipe(4), CheckpointFixtures.qwen2Tensors(),
                tokens, 1, GenerationDefaults.none(), Math.max(contextLength, 1));
    }

    /** A DreamOn-like model: expand and bos tokens, context 64. */
    public static ModelDescription dreamOn() {
        return model(true, true, 64);
    }

    /**
     * What the scripted model predicts for one masked slot: {@code token} gets logit {@code strength},
     * {@code second} (when {@code >= 0}) gets {@code strength / 2}, every other token 0. A larger strength means a
     * larger confidence under all three of Dream's confidence measures.
     */
    public record Guess(int token, float strength, int second) {
        public static Guess of(int token, float strength) {
            return new Guess(token, strength, -1);
        }

        public static Guess of(int token, float strength, int second) {
            return new Guess(token, strength, second);
        }
    }

    /** Chooses the prediction for masked slot {@code position} of {@code window} in forward number {@code forward}. */
    @FunctionalInterface
    public interface Script {
        /** @return the guess, or {@code null} for a flat row (all zeros) */
        Guess guess(int forward, int[] window, int position);
    }

    /** One forward as the backend saw it: the visible window, and the requested rows. */
    public record Forward(int[] window, int[] rows) {
    }

    /**
     * A backend that answers with scripted logits and records every forward. It accepts any layout the SPI allows
     * (trimmed windows or full canvases with hidden slots) but asserts, as rule I7 demands, that the visible slots are a
     * prefix {@code [0, W)} of the canvas with positions {@code 0..W-1}. Row {@code r} (flat slot s) predicts slot
     * {@code s + 1} (logit shift 1): when that slot is a visible mask it carries the script's guess, otherwise zeros.
     */
    public static final class ScriptedBackend implements Backend {
        private final ModelDescription model;
        private final Script script;
        private final List<Forward> forwards = new ArrayList<>();

        public ScriptedBackend(ModelDescription model, Script script) {
            this.model = model;
            this.script = script;
        }

        @Override
        public ModelDescription model() {
            return model;
        }

        @Override
        public BackendCapabilities capabilities() {
            return new BackendCapabilities(1, false, false, Set.of());
        }

        @Override
        public Logits forward(ForwardBatch batch) {
            if (batch.batch() != 1) {
                throw new AssertionError("[I7] infilling runs batch 1, got " + batch.batch());
            }
            int w = 0;
            while (w < batch.length() && batch.isVisible(0, w)) {
                w++;
            }
            for (int j = 0; j < batch.length(); j++) {
                if (j < w && batch.position(0, j) != j) {
                    throw new AssertionError("[I7] visible slot " + j + " has position " + batch.position(0, j));
                }
                if (j >= w && batch.isVisible(0, j)) {
                    throw new AssertionError("[I7] visible slot " + j + " after the hidden slot " + w
                            + ": the live window must be a prefix of the canvas");
                }
            }
            if (w > model.contextLength()) {
                throw new AssertionError("[I4] a forward of " + w + " live tokens exceeds the context " + model.contextLength());
            }
            int[] window = new int[w];
            for (int j = 0; j < w; j++) {
                window[j] = batch.token(0, j);
            }
            int[] rows = new int[batch.rowCount()];
            int index = forwards.size();
            Logits logits = Logits.allocate(batch.rowCount(), VOCAB);
            for (int r = 0; r < rows.length; r++) {
                rows[r] = batch.row(r);
                int slot = rows[r] + 1;
                if (rows[r] >= w) {
                    throw new AssertionError("[I7] logits requested for hidden slot " + rows[r]);
                }
                if (slot < w && window[slot] == MASK) {
                    Guess g = script.guess(index, window.clone(), slot);
                    if (g != null) {
                        int off = logits.offset(r);
                        logits.data()[off + g.token()] = g.strength();
                        if (g.second() >= 0) {
                            logits.data()[off + g.second()] = g.strength() / 2;
                        }
                    }
                }
            }
            forwards.add(new Forward(window, rows));
            return logits;
        }

        /** Every forward so far. */
        public List<Forward> forwards() {
            return forwards;
        }

        @Override
        public void close() {
        }
    }

    /** Records every step; answers STOP from step {@code stopAt} on (never when negative). */
    public static final class Recorder implements DenoisingListener {
        private final int stopAt;
        private final List<DenoisingStep> steps = new ArrayList<>();

        public Recorder(int stopAt) {
            this.stopAt = stopAt;
        }

        public Recorder() {
            this(-1);
        }

        @Override
        public Decision onStep(DenoisingStep step) {
            steps.add(step);
            return stopAt >= 0 && step.step() >= stopAt ? Decision.STOP : Decision.CONTINUE;
        }

        public List<DenoisingStep> steps() {
            return steps;
        }

        /** The canvas after step {@code i}. */
        public int[] canvas(int i) {
            return steps.get(i).canvas().getFirst().stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** The harness decoder: regular ids as {@code t<id>} joined by spaces; special ids (12..15) skipped. */
    public static String decode(int[] ids) {
        return Arrays.stream(ids).filter(t -> t < EXPAND).mapToObj(t -> "t" + t).collect(Collectors.joining(" "));
    }

    /** Concatenates int arrays. */
    public static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    /** {@code n} copies of {@code token}. */
    public static int[] repeat(int token, int n) {
        int[] out = new int[n];
        Arrays.fill(out, token);
        return out;
    }

    /**
     * Builds an {@link InfillTask}; defaults: greedy, Dream's {@code entropy} slot choice ({@link ConfidenceSelector}),
     * one token per step, no budget, 64 steps, seed 1. As the engine's temperature processor does, temperature 0 marks
     * the logits {@link MaskedLogits#greedy() greedy} ahead of the given processors; other temperatures divide
     * nothing here (the scripted logits stand for processed ones).
     */
    public static final class TaskBuilder {
        private final Backend backend;
        private int[] prefix = {1, 2};
        private int[] suffix = {3};
        private int initialMasks = 2;
        private int maxNewTokens = 8;
        private int tokensPerStep = 1;
        private OptionalInt expandBudget = OptionalInt.empty();
        private boolean padDeleteToRight;
        private Confidence measure = Confidence.ENTROPY;
        private SlotSelector sampler;
        private double temperature;
        private double algTemp;
        private int steps = 64;
        private long seed = 1;
        private List<LogitsProcessor> processors = List.of();
        private DenoisingListener listener = DenoisingListener.NONE;

        public TaskBuilder(Backend backend) {
            this.backend = backend;
        }

        public TaskBuilder prefix(int... v) { prefix = v; return this; }
        public TaskBuilder suffix(int... v) { suffix = v; return this; }
        public TaskBuilder initialMasks(int v) { initialMasks = v; return this; }
        public TaskBuilder maxNewTokens(int v) { maxNewTokens = v; return this; }
        public TaskBuilder tokensPerStep(int v) { tokensPerStep = v; return this; }
        public TaskBuilder expandBudget(int v) { expandBudget = OptionalInt.of(v); return this; }
        public TaskBuilder padDeleteToRight(boolean v) { padDeleteToRight = v; return this; }
        /** Dream's confidence rule with this measure (and the task's alg_temp). */
        public TaskBuilder measure(Confidence v) { measure = v; return this; }
        /** Another slot choice than Dream's confidence rule. */
        public TaskBuilder sampler(SlotSelector v) { sampler = v; return this; }
        public TaskBuilder temperature(double v) { temperature = v; return this; }
        public TaskBuilder algTemp(double v) { algTemp = v; return this; }
        public TaskBuilder steps(int v) { steps = v; return this; }
        public TaskBuilder seed(long v) { seed = v; return this; }
        public TaskBuilder processors(List<LogitsProcessor> v) { processors = v; return this; }
        public TaskBuilder listener(DenoisingListener v) { listener = v; return this; }

        public InfillTask build() {
            SamplingParams params = new SamplingParams(temperature, OptionalDouble.empty(), OptionalInt.empty(), algTemp,
                    1e-3, 0.0, steps);
            RandomGenerator random = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            List<LogitsProcessor> all = new ArrayList<>();
            if (temperature <= 0) {
                all.add((step, logits) -> logits.makeGreedy());
            }
            all.addAll(processors);
            SlotSelector selector = sampler != null ? sampler : new ConfidenceSelector(measure, algTemp);
            return new InfillTask(backend, prefix, suffix, initialMasks, maxNewTokens, tokensPerStep, expandBudget,
                    padDeleteToRight, selector, params, List.copyOf(all), random, listener, InfillHarness::decode);
        }
    }
}
