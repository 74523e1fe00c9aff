package dev.dream4j.server;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The generations: {@code maxInFlight} worker threads (generation is blocking CPU work, never run on an event loop)
 * in front of a bounded queue. {@link #submit} throws {@link RejectedExecutionException} when the queue is full.
 */
final class WorkerPool implements AutoCloseable {
    private final ThreadPoolExecutor pool;

    WorkerPool(int maxInFlight, int maxQueue) {
        BlockingQueue<Runnable> queue = maxQueue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(maxQueue);
        AtomicInteger n = new AtomicInteger();
        pool = new ThreadPoolExecutor(maxInFlight, maxInFlight, 0, TimeUnit.MILLISECONDS, queue, r -> {
            Thread t = new Thread(r, "dream4j-generate-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        pool.prestartAllCoreThreads();
    }

    void submit(Runnable job) {
        pool.execute(job);
    }

    /** Takes a job that has not started out of the queue, freeing its slot; false when it already started. */
    boolean withdraw(Runnable job) {
        return pool.remove(job);
    }

    int queueLength() {
        return pool.getQueue().size();
    }

    int active() {
        return pool.getActiveCount();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
