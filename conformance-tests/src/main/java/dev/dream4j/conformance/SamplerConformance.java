package dev.dream4j.conformance;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.OptionSpec;
import dev.dream4j.spi.SpiVersion;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.SlotSelector;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sampler conformance suite (rules in {@code conformance-tests/RULES.md}). Extend it in the plug-in's
 * tests, return the provider, and switch on the capabilities the sampler promises:
 *
 * <pre>{@code
 * class MySamplerConformanceTest extends SamplerConformance {
 *     protected SamplerProvider provider() { return new MySamplerProvider(); }
 *     protected boolean followsDreamSchedule() { return true; }
 * }
 * }</pre>
 */
public abstract class SamplerConformance {

    /** The provider under test. */
    protected abstract SamplerProvider provider();

    /**
     * True when every batch row commits exactly {@code min(Schedule.transferCount(nAvg, step), its masks)} slots per
     * step, as Dream's confidence samplers do (rule S2).
     */
    protected boolean followsDreamSchedule() {
        return false;
    }

    /**
     * True when the sampler picks positions at random even at temperature 0 (Dream's {@code origin}); rule S4 then
     * checks only the last step.
     */
    protected boolean choosesPositionsAtRandom() {
        return false;
    }

    /** True when greedy decoding commits the argmax token, lowest id on ties (rule S7). */
    protected boolean greedyTakesArgmax() {
        return true;
    }

    /** Vocabulary size of the synthetic logits. */
    protected int vocab() {
        return 24;
    }

    private SamplerHarness harness(int length, int... prompt) {
        return new SamplerHarness(vocab(), length, prompt);
    }

    /**
     * Option values (raw, as a request would pass them) the rules run the sampler with, on top of the defaults it
     * declares in {@link SamplerProvider#options()}. Rule S11 also runs every declared option at its boundaries.
     */
    protected Map<String, Object> options() {
        return Map.of();
    }

    private Sampler sampler(SamplingParams params) {
        Sampler s = create(params);
        assertNotNull(s, "[S0] create returned null");
        return s;
    }

    /** A sampler for {@code params} with the options a request would resolve: declared defaults, then {@link #options()}. */
    private Sampler create(SamplingParams params) {
        return create(params, options());
    }

    private Sampler create(SamplingParams params, Map<String, Object> requested) {
        return provider().create(SamplerHarness.withOptions(provider(), params, requested));
    }

    private static final double[][] SETTINGS = {{0.0, 0.0}, {1.0, 0.0}, {0.7, 0.5}, {0.0, 0.5}};

    @Test
    public void rule_S0_providerIsWellFormed() {
        SamplerProvider p = provider();
        assertNotNull(p.name(), "[S0] name");
        assertTrue(p.name().matches("[a-z0-9][a-z0-9._-]*"), "[S0] name must be lower-case, digits, '-', '_' or '.': " + p.name());
        assertEquals(SpiVersion.MAJOR, p.spiVersion(), "[S0] built against another SPI major version");
        assertNotNull(p.description(), "[S0] description");
        assertNotNull(create(SamplerHarness.params(0, 0, 4)), "[S0] create returned null");
    }

    @Test
    public void rule_S1_neverCommitsUnmaskedSlot() {
        for (double[] s : SETTINGS) {
            SamplerHarness h = harness(14, 3, 7, 5);
            SamplingParams params = SamplerHarness.params(s[0], s[1], 6);
            // SamplerHarness.apply throws on a row out of range, a duplicate row or a slot that is not masked
            h.run(sampler(params), params, SamplerHarness.gaussian(11, 2f), SamplerHarness.seeded(5));
        }
    }

    @Test
    public void rule_S2_commitsFollowSchedule() {
        Assumptions.assumeTrue(followsDreamSchedule(), "the sampler declares it does not follow Dream's schedule");
        for (double[] s : SETTINGS) {
            for (int steps : new int[]{16, 7, 3, 1}) {
                SamplerHarness h = harness(20, 4, 4);
                SamplingParams params = SamplerHarness.params(s[0], s[1], steps);
                Sampler sampler = sampler(params);
                float[] ts = Schedule.timesteps(steps, params.eps());
                var random = SamplerHarness.seeded(3);
                for (int i = 0; i < steps; i++) {
                    StepInfo info = Schedule.step(ts, i);
                    int k = Schedule.transferCount(Schedule.averageMasks(h.totalMasks(), h.batch()), info);
                    int[] before = {h.masks(0), h.masks(1)};
                    MaskedLogits logits = h.gather(i, SamplerHarness.gaussian(7, 2f), params);
                    int[] commits = h.apply(logits, sampler.step(h.context(info), logits, random));
                    for (int b = 0; b < 2; b++) {
                        assertEquals(Math.min(k, before[b]), commits[b], "[S2] row " + b + " at step " + i + "/" + steps);
                    }
                }
            }
        }
    }

    @Test
    public void rule_S3_deterministicPerSeed() throws InterruptedException {
        for (double[] s : SETTINGS) {
            SamplingParams params = SamplerHarness.params(s[0], s[1], 5);
            SamplerHarness.Run first = harness(12, 2, 6).run(sampler(params), params, SamplerHarness.gaussian(21, 1f), SamplerHarness.seeded(99));
            AtomicReference<SamplerHarness.Run> second = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    second.set(harness(12, 2, 6).run(create(params), params, SamplerHarness.gaussian(21, 1f), SamplerHarness.seeded(99)));
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            t.join();
            if (failure.get() != null) {
                throw new AssertionError("[S3] second run failed", failure.get());
            }
            assertArrayEquals(first.canvas(), second.get().canvas(), "[S3] same seed, different canvas");
            assertEquals(first.decisions(), second.get().decisions(), "[S3] same seed, different decisions");
        }
    }

    @Test
    public void rule_S4_greedyDrawsNoRandomness() {
        SamplingParams params = SamplerHarness.params(0.0, 0.0, 6);
        Sampler sampler = sampler(params);
        SamplerHarness h = harness(12, 2, 5);
        float[] ts = Schedule.timesteps(params.steps(), params.eps());
        var seeded = SamplerHarness.seeded(1);
        for (int i = 0; i < params.steps(); i++) {
            StepInfo info = Schedule.step(ts, i);
            boolean mustNotDraw = !choosesPositionsAtRandom() || info.isLast();
            MaskedLogits logits = h.gather(i, SamplerHarness.gaussian(3, 2f), params);
            h.apply(logits, sampler.step(h.context(info), logits, mustNotDraw ? SamplerHarness.forbidden() : seeded));
        }
    }

    @Test
    public void rule_S5_lastStepCommitsEveryMask() {
        for (double[] s : SETTINGS) {
            for (int steps : new int[]{1, 4}) {
                SamplingParams params = SamplerHarness.params(s[0], s[1], steps);
                // equal mask counts, as left padding guarantees; with unequal counts Dream's floor(nAvg) may leave masks
                SamplerHarness h = harness(10, 1, 1, 1);
                float[] ts = Schedule.timesteps(steps, params.eps());
                StepInfo last = Schedule.step(ts, steps - 1);
                MaskedLogits logits = h.gather(0, SamplerHarness.gaussian(5, 2f), params);
                h.apply(logits, sampler(params).step(h.context(last), logits, SamplerHarness.seeded(2)));
                assertEquals(0, h.totalMasks(), "[S5] masks left after the last step, steps=" + steps);
            }
            SamplingParams params = SamplerHarness.params(s[0], s[1], 5);
            SamplerHarness.Run run = harness(12, 4, 4).run(sampler(params), params, SamplerHarness.gaussian(8, 2f), SamplerHarness.seeded(8));
            assertTrue(Arrays.stream(run.canvas()).noneMatch(tok -> tok == vocab() - 1), "[S5] a full run left masks");
        }
    }

    @Test
    public void rule_S6_tokensInVocabulary() {
        for (double[] s : SETTINGS) {
            SamplingParams params = SamplerHarness.params(s[0], s[1], 3);
            // extreme logits: SamplerHarness.apply throws on a token outside [0, vocab)
            SamplerHarness.LogitsSource extreme = (step, b, j, row) -> {
                Arrays.fill(row, -Float.MAX_VALUE);
                row[(b + j + step) % (row.length - 1)] = 80f;
            };
            harness(9, 2, 3).run(sampler(params), params, extreme, SamplerHarness.seeded(4));
        }
    }

    @Test
    public void rule_S7_greedyTakesArgmax() {
        Assumptions.assumeTrue(greedyTakesArgmax(), "the sampler declares that temperature 0 is not argmax");
        SamplingParams params = SamplerHarness.params(0.0, 0.0, 4);
        SamplerHarness h = harness(10, 2, 2);
        SamplerHarness.LogitsSource source = (step, b, j, row) -> {
            Arrays.fill(row, 0f);
            int best = (3 * j + b) % (row.length - 2);
            row[best] = 2f + j * 0.1f;
            row[best + 1] = 2f + j * 0.1f; // a tie: the lower id must win
        };
        SamplerHarness.Run run = h.run(sampler(params), params, source, SamplerHarness.seeded(6));
        for (int b = 0; b < h.batch(); b++) {
            for (int j = 2; j < h.length(); j++) {
                assertEquals((3 * j + b) % (vocab() - 2), run.canvas()[b * h.length() + j], "[S7] slot (" + b + ", " + j + ")");
            }
        }
    }

    @Test
    public void rule_S8_neverSamplesDroppedToken() {
        for (long seed = 0; seed < 8; seed++) {
            for (double algTemp : new double[]{0.0, 1.0}) {
                SamplingParams params = SamplerHarness.params(1.0, algTemp, 4);
                SamplerHarness.LogitsSource filtered = (step, b, j, row) -> {
                    Arrays.fill(row, -Float.MAX_VALUE);
                    row[1] = 0.5f;
                    row[4] = 0.2f;
                    row[7] = 0f;
                };
                SamplerHarness.Run run = harness(10, 1, 2).run(sampler(params), params, filtered, SamplerHarness.seeded(seed));
                for (StepDecision d : run.decisions()) {
                    for (int tok : d.tokens()) {
                        assertTrue(tok == 1 || tok == 4 || tok == 7, "[S8] drew filtered token " + tok);
                    }
                }
            }
        }
    }

    @Test
    public void rule_S9_leavesInputsUntouched() {
        for (double[] s : SETTINGS) {
            SamplingParams params = SamplerHarness.params(s[0], s[1], 4);
            SamplerHarness h = harness(10, 2, 5);
            StepInfo info = Schedule.step(Schedule.timesteps(4, params.eps()), 1);
            MaskedLogits logits = h.gather(0, SamplerHarness.gaussian(9, 1f), params);
            float[] before = logits.logits().data().clone();
            var context = h.context(info);
            int[] canvas = context.canvas().clone();
            sampler(params).step(context, logits, SamplerHarness.seeded(1));
            assertArrayEquals(before, logits.logits().data(), "[S9] the sampler modified the logits");
            assertArrayEquals(canvas, context.canvas(), "[S9] the sampler modified the canvas");
        }
    }

    @Test
    public void rule_S12_selectorCommitsTheCountItIsGiven() {
        Assumptions.assumeTrue(provider().selector(SamplerHarness.params(0, 0, 4)).isPresent(),
                "the sampler offers no slot selector (it cannot infill)");
        for (double[] s : SETTINGS) {
            SamplingParams params = SamplerHarness.params(s[0], s[1], 4);
            SlotSelector selector = provider().selector(params).orElseThrow();
            for (int count : new int[]{1, 2, 5}) {
                SamplerHarness h = harness(10, 3, 7); // 7 and 3 masks
                MaskedLogits logits = h.gather(0, SamplerHarness.gaussian(13, 2f), params);
                boolean greedy = s[0] == 0 && s[1] == 0;
                // SamplerHarness.apply throws on a row out of range, a duplicate row or a slot that is not masked
                int[] commits = h.apply(logits, selector.select(logits, count,
                        greedy ? SamplerHarness.forbidden() : SamplerHarness.seeded(3)));
                assertEquals(Math.min(count, 7), commits[0], "[S12] row 0, count " + count);
                assertEquals(Math.min(count, 3), commits[1], "[S12] row 1, count " + count);
            }
        }
    }

    @Test
    public void rule_S10_noMasksNoCommitsNoDraws() {
        for (double[] s : SETTINGS) {
            SamplingParams params = SamplerHarness.params(s[0], s[1], 3);
            SamplerHarness h = harness(6, 6, 6);
            float[] ts = Schedule.timesteps(3, params.eps());
            for (int i = 0; i < 3; i++) {
                MaskedLogits logits = h.gather(i, SamplerHarness.gaussian(1, 1f), params);
                StepDecision d = sampler(params).step(h.context(Schedule.step(ts, i)), logits, SamplerHarness.forbidden());
                assertEquals(0, d.size(), "[S10] committed with no masks");
            }
        }
    }

    @Test
    public void rule_S11_declaredOptionsAreUsable() {
        SamplerProvider p = provider();
        List<OptionSpec> declared = p.options();
        assertNotNull(declared, "[S11] options() returned null");
        Assumptions.assumeFalse(declared.isEmpty(), "the sampler declares no options");
        String plugin = "sampler '" + p.name() + "'";
        assertEquals(declared.size(), new HashSet<>(declared.stream().map(OptionSpec::name).toList()).size(),
                "[S11] an option name is declared twice: " + declared.stream().map(OptionSpec::name).toList());
        for (OptionSpec o : declared) {
            assertTrue(!o.description().isBlank(), "[S11] option '" + o.name() + "' has no description");
            assertEquals(o.defaultValue(), o.parse(plugin, o.defaultValue()), "[S11] option '" + o.name() + "': its default does not parse to itself");
            assertEquals(o.defaultValue(), o.parse(plugin, String.valueOf(o.defaultValue())),
                    "[S11] option '" + o.name() + "': its default typed on a command line parses to another value");
            Object wrong = o.type() instanceof OptionSpec.StringType ? Boolean.TRUE : "not-a-" + o.type().id();
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> o.parse(plugin, wrong),
                    "[S11] option '" + o.name() + "' accepted " + wrong);
            assertEquals("options." + o.name(), e.parameter(), "[S11] the error names another parameter");
            for (Object value : boundaries(o)) {
                Map<String, Object> requested = new TreeMap<>(options());
                requested.put(o.name(), value);
                for (double[] s : new double[][]{{0.0, 0.0}, {1.0, 0.0}}) {
                    SamplingParams params = SamplerHarness.params(s[0], s[1], 5);
                    // S1 at the boundary (SamplerHarness.apply checks every commit), then S5: equal rows end unmasked
                    harness(14, 3, 7, 5).run(create(params, requested), params, SamplerHarness.gaussian(11, 2f), SamplerHarness.seeded(5));
                    SamplerHarness.Run run = harness(12, 4, 4).run(create(params, requested), params, SamplerHarness.gaussian(8, 2f), SamplerHarness.seeded(8));
                    assertTrue(Arrays.stream(run.canvas()).noneMatch(tok -> tok == vocab() - 1),
                            "[S11] with " + o.name() + " = " + value + " a full run left masks");
                }
            }
        }
    }

    /** The values S11 runs an option at: its default and the ends of its range, or every choice. */
    private static List<Object> boundaries(OptionSpec o) {
        List<Object> out = new ArrayList<>(List.of(o.defaultValue()));
        switch (o.type()) {
            case OptionSpec.BooleanType b -> out.addAll(List.of(true, false));
            case OptionSpec.IntegerType t -> out.addAll(List.of(t.min(), t.max()));
            case OptionSpec.NumberType t -> out.addAll(List.of(t.min(), t.max()));
            case OptionSpec.StringType t -> out.addAll(t.choices());
        }
        return out.stream().distinct().toList();
    }
}
