package dev.dream4j.tools;

/**
 * The memory side of a roofline, next to {@link ArithmeticPeak}: a STREAM-like copy, {@code threads} platform threads
 * each copying its slice of a 64 MiB float array into another (far beyond the caches, small next to a model), best of
 * five, counted as bytes read plus bytes written per second.
 */
public final class MemoryBandwidth {
    private static final int FLOATS = 16 << 20;

    private MemoryBandwidth() {
    }

    /**
     * GB/s of the copy over {@code threads} threads.
     *
     * @throws IllegalArgumentException for a thread count below 1
     */
    public static double copyGBs(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        float[] a = new float[FLOATS];
        float[] b = new float[FLOATS];
        java.util.Arrays.fill(a, 1f);
        double best = 0;
        for (int rep = 0; rep < 5; rep++) {
            Thread[] ts = new Thread[threads];
            long t0 = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                int from = (int) ((long) FLOATS * t / threads);
                int to = (int) ((long) FLOATS * (t + 1) / threads);
                ts[t] = Thread.ofPlatform().start(() -> System.arraycopy(a, from, b, from, to - from));
            }
            for (Thread t : ts) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while measuring the copy bandwidth", e);
                }
            }
            best = Math.max(best, 2.0 * Float.BYTES * FLOATS / ((System.nanoTime() - t0) / 1e9) / 1e9);
        }
        return best;
    }
}
