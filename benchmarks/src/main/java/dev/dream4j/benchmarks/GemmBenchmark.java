package dev.dream4j.benchmarks;

import dev.dream4j.backend.cpu.Kernels;
import dev.dream4j.spi.model.DType;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code c[m×n] = a[m×k] · Wᵀ} on the java-cpu kernels, W stored in each weight type and read in place (as the backend
 * reads a memory-mapped checkpoint). GFLOPS = 2·m·n·k / time. The default shape is a 1024² projection; pass
 * {@code -p n=3584 -p k=3584} for Dream-7B's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class GemmBenchmark {
    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Weight types. The q8_0/q4_0 types join here once {@code DType} and {@code Kernels.gemm} have them. */
    @Param({"BF16", "F16", "F32"})
    public String dtype;

    /** Rows of a: canvas slots in one forward. */
    @Param({"64", "256"})
    public int m;

    @Param("1024")
    public int n;

    @Param("1024")
    public int k;

    /** Kernel threads; 0 = every core. */
    @Param("0")
    public int threads;

    private Arena arena;
    private MemorySegment weights;
    private DType type;
    private Kernels kernels;
    private float[] a;
    private float[] c;

    @Setup(Level.Trial)
    public void setUp() {
        type = DType.valueOf(dtype);
        arena = Arena.ofShared();
        weights = weights(type, n, k, new SplittableRandom(1), arena);
        a = new float[m * k];
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        c = new float[m * n];
        kernels = new Kernels(threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        kernels.close();
        arena.close();
    }

    @Benchmark
    public float[] gemm() {
        kernels.gemm(a, m, weights, type, n, k, c);
        return c;
    }

    /** A random {@code rows × cols} matrix (values ~ N(0, 0.02²), like trained projections) encoded as {@code type}. */
    static MemorySegment weights(DType type, int rows, int cols, SplittableRandom random, Arena arena) {
        long count = (long) rows * cols;
        return switch (type) {
            case BF16 -> {
                MemorySegment s = arena.allocate(count * 2, 64);
                for (long i = 0; i < count; i++) {
                    s.setAtIndex(SHORT_LE, i, (short) (Float.floatToRawIntBits(sample(random)) >>> 16));
                }
                yield s;
            }
            case F16 -> {
                MemorySegment s = arena.allocate(count * 2, 64);
                for (long i = 0; i < count; i++) {
                    s.setAtIndex(SHORT_LE, i, Float.floatToFloat16(sample(random)));
                }
                yield s;
            }
            case F32 -> {
                MemorySegment s = arena.allocate(count * 4, 64);
                for (long i = 0; i < count; i++) {
                    s.setAtIndex(FLOAT_LE, i, sample(random));
                }
                yield s;
            }
            // Quantized types (q8_0, q4_0: blocks of 32 weights with one scale) need their encoder here.
            default -> throw new IllegalArgumentException("GemmBenchmark has no encoder for weight type " + type);
        };
    }

    private static float sample(SplittableRandom random) {
        return (float) (random.nextGaussian() * 0.02);
    }
}
