package dev.dream4j.tools;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The machine's fp32 fused multiply-add rate as pure Java can reach it: the compute side of a roofline, measured in the
 * same run as the copy bandwidth (the memory side), so that a benchmark can say which of the two bounds a step and
 * report its time as a fraction of that bound rather than of a bandwidth it could never reach.
 *
 * <p>Each thread runs {@link #CHAINS} independent FMA chains on {@code FloatVector.SPECIES_PREFERRED} registers (more
 * chains than FMA latency × FMA ports on current x86 and Arm cores, so the chains do not wait for each other), with no
 * memory traffic. The java-cpu backend's GEMM issues exactly these instructions, so this is the ceiling of every
 * kernel that converts weights to fp32; an instruction the Vector API does not name (AVX512_BF16 {@code vdpbf16ps},
 * VNNI {@code vpdpbusd}) can exceed it.
 */
public final class ArithmeticPeak {
    /** Independent accumulators per thread. */
    static final int CHAINS = 12;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int ROUND = 1 << 16; // FMA rounds per call: long enough to time, short enough for C2 to compile the method

    private ArithmeticPeak() {
    }

    /** A measured rate: GFLOP/s (2 per multiply-add lane) over {@code threads} threads, and the vector width used. */
    public record Rate(double gflops, int threads, int lanes) {
    }

    /**
     * Best of {@code repeats} timings of every thread running the FMA chains for about {@code millis} ms.
     *
     * @throws IllegalArgumentException for a thread count, repeat count or duration below 1
     */
    public static Rate measure(int threads, int repeats, int millis) {
        if (threads < 1 || repeats < 1 || millis < 1) {
            throw new IllegalArgumentException("threads, repeats and millis must be at least 1: " + threads + ", " + repeats + ", " + millis);
        }
        // warm up: let C2 compile rounds() before anything is timed
        long warm = System.nanoTime();
        float sink = 0;
        while (System.nanoTime() - warm < 300_000_000L) {
            sink += rounds(1f);
        }
        double best = 0;
        for (int r = 0; r < repeats; r++) {
            DoubleAdder flops = new DoubleAdder();
            List<Thread> ts = new ArrayList<>();
            long deadline = millis * 1_000_000L;
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                ts.add(Thread.ofPlatform().start(() -> {
                    long start = System.nanoTime();
                    long calls = 0;
                    float s = 0;
                    while (System.nanoTime() - start < deadline) {
                        s += rounds(1f + s * 0f);
                        calls++;
                    }
                    flops.add(2.0 * CHAINS * F.length() * ROUND * calls + (s == 42f ? 1 : 0));
                }));
            }
            for (Thread t : ts) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while measuring the FMA rate", e);
                }
            }
            double sec = (System.nanoTime() - t0) / 1e9;
            best = Math.max(best, flops.sum() / sec / 1e9);
        }
        return new Rate(best + (sink == 42f ? 1e-9 : 0), threads, F.length());
    }

    /** {@link #ROUND} rounds of {@link #CHAINS} independent vector FMAs; returns a lane of the result so nothing is dead. */
    private static float rounds(float seed) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f);
        FloatVector x = FloatVector.broadcast(F, 1e-7f);
        FloatVector c0 = FloatVector.broadcast(F, seed);
        FloatVector c1 = c0.add(1f);
        FloatVector c2 = c0.add(2f);
        FloatVector c3 = c0.add(3f);
        FloatVector c4 = c0.add(4f);
        FloatVector c5 = c0.add(5f);
        FloatVector c6 = c0.add(6f);
        FloatVector c7 = c0.add(7f);
        FloatVector c8 = c0.add(8f);
        FloatVector c9 = c0.add(9f);
        FloatVector c10 = c0.add(10f);
        FloatVector c11 = c0.add(11f);
        for (int i = 0; i < ROUND; i++) {
            c0 = c0.fma(m, x);
            c1 = c1.fma(m, x);
            c2 = c2.fma(m, x);
            c3 = c3.fma(m, x);
            c4 = c4.fma(m, x);
            c5 = c5.fma(m, x);
            c6 = c6.fma(m, x);
            c7 = c7.fma(m, x);
            c8 = c8.fma(m, x);
            c9 = c9.fma(m, x);
            c10 = c10.fma(m, x);
            c11 = c11.fma(m, x);
        }
        return c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7).add(c8).add(c9).add(c10).add(c11).lane(0);
    }
}
