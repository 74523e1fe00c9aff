package dev.dream4j.benchmarks;

import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;
import dev.dream4j.spi.sampling.TokenMath;
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

import java.util.Arrays;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * The sampler math of one denoising step without the network: a sampler plug-in (found through the SPI, as the kernel
 * finds it) choosing among {@code rows} masked slots, and the softmax it builds on, at the demo vocabulary or
 * Dream's (152064).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SamplerBenchmark {
    @Param({"entropy", "maskgit_plus", "topk_margin", "origin"})
    public String sampler;

    @Param({"152064"})
    public int vocab;

    /** Masked slots predicted this step. */
    @Param({"64"})
    public int rows;

    /** 0 = greedy tokens; above 0 the tokens are drawn. */
    @Param({"0", "1"})
    public double temperature;

    private Sampler chosen;
    private float[] source;
    private float[] work;
    private Logits logits;
    private StepContext context;
    private int[] batchIndex;
    private int[] positions;
    private float[] probabilities;
    private RandomGenerator random;

    @Setup(Level.Trial)
    public void setUp() {
        SamplingParams params = new SamplingParams(temperature, OptionalDouble.empty(), OptionalInt.empty(), 0, 1e-3, 0, 64);
        chosen = ServiceLoader.load(SamplerProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals(sampler)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no sampler plug-in named " + sampler))
                .create(params);
        SplittableRandom r = new SplittableRandom(5);
        source = new float[rows * vocab];
        for (int i = 0; i < source.length; i++) {
            source[i] = (float) (r.nextGaussian() * 3);
        }
        work = source.clone();
        logits = new Logits(rows, vocab, work);
        int length = 2 * rows;
        int mask = vocab - 1;
        int[] canvas = IntStream.range(0, length).map(i -> i < rows ? i % 1000 : mask).toArray();
        context = new StepContext(new StepInfo(0, 64, 1f, 1f - 1f / 64), 1, length, mask, canvas, new int[]{rows});
        batchIndex = new int[rows];
        positions = IntStream.range(rows, length).toArray();
        probabilities = new float[vocab];
        random = new SplittableRandom(7);
    }

    /** A sampler may work in place: every call starts from the same logits (the copy is part of the figure). */
    @Benchmark
    public StepDecision step() {
        System.arraycopy(source, 0, work, 0, work.length);
        MaskedLogits masked = new MaskedLogits(logits, batchIndex, Arrays.copyOf(positions, rows));
        if (temperature <= 0) {
            masked.makeGreedy(); // what the temperature processor, the temperature's owner, does at 0
        }
        return chosen.step(context, masked, random);
    }

    /** One softmax over one row of the vocabulary. */
    @Benchmark
    public float[] softmaxRow() {
        TokenMath.softmax(source, 0, vocab, probabilities);
        return probabilities;
    }
}
