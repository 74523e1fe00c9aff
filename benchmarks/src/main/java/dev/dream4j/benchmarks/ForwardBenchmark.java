package dev.dream4j.benchmarks;

import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.api.LogitRows;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * One forward pass over a canvas, and one whole denoising step (forward, logits processors, sampler, commit) through
 * the public API. The second minus the first is what a step costs beyond the network.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ForwardBenchmark {
    /** Canvas slots: prompt plus masked answer (half of each). */
    @Param({"128", "512"})
    public int canvas;

    private int[] tokens;
    private int[] rows;
    private GenerationRequest oneStep;

    @Setup(Level.Trial)
    public void setUp(DemoModelState state) {
        int vocab = state.lm.info().vocabSize();
        int mask = state.lm.info().specialTokens().get("mask");
        SplittableRandom r = new SplittableRandom(3);
        int half = canvas / 2;
        tokens = IntStream.range(0, canvas).map(i -> i < half ? r.nextInt(Math.min(vocab, 2000)) : mask).toArray();
        // Dream shifts by one: masked slot j is predicted from row j - 1.
        rows = IntStream.range(half - 1, canvas - 1).toArray();
        oneStep = GenerationRequest.builder().promptIds(IntStream.of(tokens).limit(half).boxed().toList())
                .maxNewTokens(canvas - half).steps(canvas - half).sampler("entropy").temperature(0).seed(1).build();
    }

    @Benchmark
    public LogitRows forward(DemoModelState state) {
        return state.lm.diagnostics().forward(tokens, rows);
    }

    /**
     * One denoising step: a request of {@code steps = maxNewTokens} stopped by its listener after the first step
     * (the listener's CANCEL; everything before it ran once).
     */
    @Benchmark
    public int denoisingStep(DemoModelState state) {
        int[] committed = {0};
        try {
            GenerationResult ignored = state.lm.generate(oneStep, step -> {
                committed[0] = step.committed().getFirst().size();
                return dev.dream4j.api.DenoisingListener.Decision.CANCEL;
            });
            return ignored.steps();
        } catch (dev.dream4j.api.GenerationCancelledException stopped) {
            return committed[0];
        }
    }
}
