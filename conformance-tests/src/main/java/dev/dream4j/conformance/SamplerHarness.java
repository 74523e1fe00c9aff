package dev.dream4j.conformance;

import dev.dream4j.api.OptionSpec;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * A miniature engine for sampler conformance tests: a canvas of {@code batch × length} slots, synthetic logits, and the
 * engine's per-step contract (schedule from {@link Schedule}, masked rows ordered by batch row then position, commits
 * checked and written back). The mask token is {@code vocab - 1}.
 */
public final class SamplerHarness {

    /** Makes the logits row of slot (b, j) at a step; must be deterministic. */
    @FunctionalInterface
    public interface LogitsSource {
        void fill(int step, int b, int j, float[] row);
    }

    /** What a whole run produced. */
    public record Run(int[] canvas, List<StepDecision> decisions, List<int[]> commitsPerRow) {
    }

    private final int batch;
    private final int length;
    private final int vocab;
    private final int[] canvas;
    /** Masks per row when the run started: the schedule's start ({@link StepContext#initialMaskCounts()}). */
    private final int[] initialMasks;

    /** A canvas whose row b starts with {@code prompt[b]} non-mask tokens, the rest masked. */
    public SamplerHarness(int vocab, int length, int... prompt) {
        if (vocab < 3) {
            throw new IllegalArgumentException("vocab must be at least 3");
        }
        this.batch = prompt.length;
        this.length = length;
        this.vocab = vocab;
        this.canvas = new int[batch * length];
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < length; j++) {
                canvas[b * length + j] = j < prompt[b] ? (b + j) % (vocab - 1) : mask();
            }
        }
        this.initialMasks = new int[batch];
        for (int b = 0; b < batch; b++) {
            initialMasks[b] = masks(b);
        }
    }

    public int mask() {
        return vocab - 1;
    }

    public int vocab() {
        return vocab;
    }

    public int batch() {
        return batch;
    }

    public int length() {
        return length;
    }

    public int[] canvas() {
        return canvas.clone();
    }

    public int masks(int b) {
        int n = 0;
        for (int j = 0; j < length; j++) {
            if (canvas[b * length + j] == mask()) {
                n++;
            }
        }
        return n;
    }

    public int totalMasks() {
        int n = 0;
        for (int b = 0; b < batch; b++) {
            n += masks(b);
        }
        return n;
    }

    public StepContext context(StepInfo info) {
        int[] counts = new int[batch];
        for (int b = 0; b < batch; b++) {
            counts[b] = masks(b);
        }
        return new StepContext(info, batch, length, mask(), canvas.clone(), counts, initialMasks.clone());
    }

    /**
     * {@link #gather(int, LogitsSource)} as the engine hands it to a sampler under {@code params}: at temperature 0
     * marked {@link MaskedLogits#greedy() greedy}, as the temperature processor (the temperature's one owner) marks
     * them. Other temperatures divide nothing: the synthetic logits stand for processed ones.
     */
    public MaskedLogits gather(int step, LogitsSource source, SamplingParams params) {
        MaskedLogits logits = gather(step, source);
        if (params.temperature() <= 0) {
            logits.makeGreedy();
        }
        return logits;
    }

    /** The masked rows, ordered by batch row then position, filled from {@code source}; not greedy. */
    public MaskedLogits gather(int step, LogitsSource source) {
        int rows = totalMasks();
        int[] bi = new int[rows];
        int[] pos = new int[rows];
        float[] data = new float[rows * vocab];
        float[] row = new float[vocab];
        int r = 0;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < length; j++) {
                if (canvas[b * length + j] == mask()) {
                    bi[r] = b;
                    pos[r] = j;
                    Arrays.fill(row, 0f);
                    source.fill(step, b, j, row);
                    System.arraycopy(row, 0, data, r * vocab, vocab);
                    r++;
                }
            }
        }
        return new MaskedLogits(new Logits(rows, vocab, data), bi, pos);
    }

    /**
     * Checks a decision the way the engine does and writes it: rows in range and distinct, tokens in the vocabulary,
     * every committed slot still masked.
     *
     * @return commits per batch row
     */
    public int[] apply(MaskedLogits logits, StepDecision decision) {
        int[] perRow = new int[batch];
        boolean[] seen = new boolean[logits.rows()];
        for (int i = 0; i < decision.size(); i++) {
            int r = decision.rows()[i];
            int tok = decision.tokens()[i];
            if (r < 0 || r >= logits.rows()) {
                throw new AssertionError("[S1] committed row " + r + " outside the " + logits.rows() + " masked rows");
            }
            if (seen[r]) {
                throw new AssertionError("[S1] row " + r + " committed twice in one step");
            }
            seen[r] = true;
            if (tok < 0 || tok >= vocab) {
                throw new AssertionError("[S6] token " + tok + " outside the vocabulary of " + vocab);
            }
            int b = logits.batchIndex(r);
            int j = logits.position(r);
            if (canvas[b * length + j] != mask()) {
                throw new AssertionError("[S1] slot (" + b + ", " + j + ") is not masked");
            }
            canvas[b * length + j] = tok;
            perRow[b]++;
        }
        return perRow;
    }

    /** Runs every step of {@code params.steps()} like the engine. */
    public Run run(Sampler sampler, SamplingParams params, LogitsSource source, RandomGenerator random) {
        float[] ts = Schedule.timesteps(params.steps(), params.eps());
        List<StepDecision> decisions = new ArrayList<>();
        List<int[]> commits = new ArrayList<>();
        for (int i = 0; i < params.steps(); i++) {
            StepInfo info = Schedule.step(ts, i);
            MaskedLogits logits = gather(i, source, params);
            StepDecision d = sampler.step(context(info), logits, random);
            decisions.add(d);
            commits.add(apply(logits, d));
        }
        return new Run(canvas(), decisions, commits);
    }

    /** Pseudo-random logits, N(0, scale²), a fixed function of (seed, step, b, j); the mask token gets -30. */
    public static LogitsSource gaussian(long seed, float scale) {
        return (step, b, j, row) -> {
            SplittableRandom r = new SplittableRandom(seed ^ (step * 0x9E3779B97F4A7C15L) ^ (b * 0xBF58476D1CE4E5B9L) ^ (j * 0x94D049BB133111EBL));
            for (int v = 0; v < row.length; v++) {
                row[v] = (float) (r.nextGaussian() * scale);
            }
            row[row.length - 1] = -30f;
        };
    }

    /** Settings with everything but the named values at Dream's defaults (eps 1e-3, no filters, no penalty). */
    public static SamplingParams params(double temperature, double algTemp, int steps) {
        return new SamplingParams(temperature, OptionalDouble.empty(), OptionalInt.empty(), algTemp, 1e-3, 0.0, steps);
    }

    /**
     * {@code params} with the options a request would resolve for {@code provider}: every option it declares at its
     * default, then {@code values} (raw, as a request passes them) typed by the declarations.
     *
     * @throws dev.dream4j.api.InvalidRequestException for a value the declaration refuses
     * @throws IllegalArgumentException for a name the provider does not declare
     */
    public static SamplingParams withOptions(SamplerProvider provider, SamplingParams params, Map<String, ?> values) {
        Map<String, Object> typed = new TreeMap<>();
        for (OptionSpec o : provider.options()) {
            typed.put(o.name(), values.containsKey(o.name()) ? o.parse("sampler '" + provider.name() + "'", values.get(o.name()))
                    : o.defaultValue());
        }
        for (String name : values.keySet()) {
            if (!typed.containsKey(name)) {
                throw new IllegalArgumentException("sampler '" + provider.name() + "' does not declare option '" + name + "'");
            }
        }
        return params.withOptions(typed);
    }

    /** A generator that fails on any use: proves a code path draws nothing. */
    public static RandomGenerator forbidden() {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new AssertionError("[S4] drew randomness where none is allowed");
            }

            @Override
            public double nextDouble() {
                throw new AssertionError("[S4] drew randomness where none is allowed");
            }

            @Override
            public float nextFloat() {
                throw new AssertionError("[S4] drew randomness where none is allowed");
            }

            @Override
            public int nextInt() {
                throw new AssertionError("[S4] drew randomness where none is allowed");
            }

            @Override
            public boolean nextBoolean() {
                throw new AssertionError("[S4] drew randomness where none is allowed");
            }
        };
    }

    /** The request generator the engine uses, seeded. */
    public static RandomGenerator seeded(long seed) {
        return java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
    }
}
