package dev.dream4j.backend.cpu;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * A fixed pool of daemon worker threads running parallel loops. The calling thread always takes part. Which worker
 * runs which index never changes a result: every index writes its own disjoint output.
 *
 * <p>Workers spin for a short while ({@code dream4j.cpu.spinMicros}, default 2000 µs) after a loop before they park,
 * so back-to-back loops (the GEMMs and attention of a forward pass) do not pay a thread wake-up each, which costs tens
 * to hundreds of microseconds on a virtual machine. One loop runs at a time: a caller that finds the pool busy (another
 * caller, or a loop started from inside a loop body) runs its loop alone on its own thread, so callers never deadlock.
 */
final class Parallel implements AutoCloseable {
    private static final long SPIN_NANOS = Long.getLong("dream4j.cpu.spinMicros", 2000L) * 1000L;

    private final int threads;
    private final Thread[] workers;
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile Job job;
    private volatile boolean closed;
    /** Per-thread scratch memory of this pool's loops: owned by the pool, so closing the backend lets it go. */
    private final ThreadLocal<Object> scratch = new ThreadLocal<>();
    /** Per worker: true while parked (or about to park), so a submitter knows to unpark it. */
    private final AtomicBoolean[] parked;

    private static final class Job {
        final long gen;
        final int n;
        final Supplier<IntConsumer> perWorker;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger running;
        volatile Throwable failure;

        Job(long gen, int n, Supplier<IntConsumer> perWorker, int helpers) {
            this.gen = gen;
            this.n = n;
            this.perWorker = perWorker;
            this.running = new AtomicInteger(helpers);
        }

        void run() {
            try {
                IntConsumer body = null;
                for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                    if (body == null) {
                        body = perWorker.get();
                    }
                    body.accept(i);
                }
            } catch (Throwable t) {
                if (failure == null) {
                    failure = t;
                }
                next.set(n);
            }
        }
    }

    private long generation;

    Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.workers = new Thread[this.threads - 1];
        this.parked = new AtomicBoolean[this.threads - 1];
        for (int w = 0; w < workers.length; w++) {
            final int id = w;
            parked[w] = new AtomicBoolean();
            Thread t = new Thread(() -> workerLoop(id), "dream4j-cpu-" + (w + 1));
            t.setDaemon(true);
            workers[w] = t;
        }
        for (Thread t : workers) {
            t.start();
        }
    }

    int threads() {
        return threads;
    }

    private void workerLoop(int id) {
        long seen = 0;
        while (!closed) {
            Job j = job;
            if (j != null && j.gen != seen) {
                seen = j.gen;
                j.run();
                j.running.decrementAndGet();
                continue;
            }
            long spinStart = System.nanoTime();
            while (!closed && ((j = job) == null || j.gen == seen) && System.nanoTime() - spinStart < SPIN_NANOS) {
                Thread.onSpinWait();
            }
            if (closed || (j != null && j.gen != seen)) {
                continue;
            }
            parked[id].set(true);
            j = job;
            if (!closed && (j == null || j.gen == seen)) {
                LockSupport.park(this);
            }
            parked[id].set(false);
        }
    }

    /** Runs {@code body} for 0..n-1; each participating thread gets its own consumer from {@code perWorker}. */
    void forEach(int n, Supplier<IntConsumer> perWorker) {
        if (n <= 0) {
            return;
        }
        int helpers = Math.min(threads, n) - 1;
        if (helpers <= 0 || closed || !busy.compareAndSet(false, true)) {
            IntConsumer body = perWorker.get();
            for (int i = 0; i < n; i++) {
                body.accept(i);
            }
            return;
        }
        Job j;
        try {
            // every worker looks at each job (so that it is never skipped by generation), but only `helpers` of them
            // are counted as running: the others find no index left or take indices like any helper
            j = new Job(++generation, n, perWorker, workers.length);
            job = j;
            for (int w = 0; w < workers.length; w++) {
                if (parked[w].get()) {
                    LockSupport.unpark(workers[w]);
                }
            }
            j.run();
            while (j.running.get() > 0 && !closed) {
                Thread.onSpinWait();
            }
        } finally {
            busy.set(false);
        }
        Throwable failure = j.failure;
        if (failure instanceof RuntimeException re) {
            throw re;
        } else if (failure instanceof Error err) {
            throw err;
        } else if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    void forEach(int n, IntConsumer body) {
        forEach(n, () -> body);
    }

    /** The calling thread's scratch object of {@code type} for this pool, made by {@code create} on first use. */
    <T> T scratch(Class<T> type, Supplier<T> create) {
        Object v = scratch.get();
        if (!type.isInstance(v)) {
            v = create.get();
            scratch.set(v);
        }
        return type.cast(v);
    }

    @Override
    public void close() {
        closed = true;
        scratch.remove();
        for (Thread t : workers) {
            LockSupport.unpark(t);
        }
    }
}
