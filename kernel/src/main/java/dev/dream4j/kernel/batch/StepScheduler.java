package dev.dream4j.kernel.batch;

import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendCapabilities;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.KvCache;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.ModelDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Continuous batching at the step level: every generation running at once submits its step's forward here, and the
 * scheduler runs the forwards of all active generations as one backend forward, then hands each its own logits rows.
 *
 * <p>A generation joins with {@link #join()} and leaves with {@link Member#close()}; between its steps it does its own
 * sampling on its own thread (its sampler, processors, random stream and listener stay its own), so generations are
 * admitted and retired between any two steps without a global loop. A shared forward starts when every joined
 * generation has submitted its step, when the queued rows reach {@link #maxRows()}, or when the gather window (half the
 * last forward's time, at most {@link #DEFAULT_MAX_GATHER}) has passed since both the oldest submission and the end of
 * the last forward, so one slow generation (a slow listener, a cache pass) cannot hold the others back for more than
 * that.
 *
 * <p>Canvases of different lengths are left-padded to the longest with hidden slots (pad token, position 1, invisible
 * to attention), which is how {@code dream-semantics.md} §1 pads a batch; a request's own padding and positions are
 * kept. So a request's tokens equal those of running it alone exactly when the backend's logits of a row do not depend
 * on the other rows or on hidden padding (the java-cpu backend: bit-identical, tested), and within the backend's batch
 * invariance tolerance otherwise (conformance rule B3).
 *
 * <p>No thread of its own: the first waiting caller whose turn it is runs the shared forward (leader/followers), so
 * there is nothing to start or stop. Forwards that are not a member's (direct {@link Backend#forward} calls) bypass it.
 */
public final class StepScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(StepScheduler.class);
    /** The longest a submitted step waits for the other generations' steps, by default. */
    public static final Duration DEFAULT_MAX_GATHER = Duration.ofMillis(50);

    private final Backend backend;
    private final int maxRows;
    private final int pad;
    private final long maxGatherNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Deque<Pending> queue = new ArrayDeque<>();
    private int members;
    private boolean running;
    /** The last shared forward's wall time; before the first, the full gather window applies. */
    private long lastForwardNanos;
    private long lastForwardEnd = System.nanoTime();
    private long forwards;
    private long rowsForwarded;
    private long sharedForwards;

    /**
     * @param backend the backend the shared forwards run on; shared forwards run one at a time, but members' cache
     *                passes and direct forwards may run beside them, so it must allow concurrent calls (wrap it in a
     *                {@code SerializingBackend} when it does not)
     * @param maxRows the most canvas rows one shared forward holds (1 = no batching across requests)
     */
    public StepScheduler(Backend backend, int maxRows) {
        this(backend, maxRows, DEFAULT_MAX_GATHER);
    }

    /**
     * @param maxGather the longest a submitted step waits for the other joined generations' steps
     */
    public StepScheduler(Backend backend, int maxRows, Duration maxGather) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be >= 1, got " + maxRows);
        }
        if (maxGather.isNegative()) {
            throw new IllegalArgumentException("maxGather must not be negative, got " + maxGather);
        }
        this.maxGatherNanos = maxGather.toNanos();
        this.lastForwardNanos = maxGatherNanos > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : 2 * maxGatherNanos;
        this.backend = backend;
        this.maxRows = Math.min(maxRows, backend.capabilities().maxBatch());
        this.pad = backend.model().tokens().pad();
    }

    /** The most canvas rows one shared forward holds. */
    public int maxRows() {
        return maxRows;
    }

    /** A generation's view of the backend: its forwards go through the scheduler until it is closed. */
    public Member join() {
        lock.lock();
        try {
            members++;
            return new Member();
        } finally {
            lock.unlock();
        }
    }

    /** Counters since start, for metrics. */
    public Stats stats() {
        lock.lock();
        try {
            return new Stats(members, forwards, sharedForwards, rowsForwarded);
        } finally {
            lock.unlock();
        }
    }

    /**
     * @param activeGenerations generations joined now
     * @param forwards          backend forwards run for members
     * @param sharedForwards    those that held more than one generation's step
     * @param rows              canvas rows over all those forwards
     */
    public record Stats(int activeGenerations, long forwards, long sharedForwards, long rows) {
    }

    /** One submitted step forward and, once run, its logits or failure. */
    private static final class Pending {
        final ForwardBatch batch;
        final long submitted = System.nanoTime();
        Logits result;
        RuntimeException failure;
        boolean done;

        Pending(ForwardBatch batch) {
            this.batch = batch;
        }
    }

    private Logits submit(ForwardBatch batch) {
        Pending mine = new Pending(batch);
        boolean interrupted = false;
        lock.lock();
        try {
            queue.addLast(mine);
            changed.signalAll();
            while (!mine.done) {
                if (!running && !queue.isEmpty()) {
                    long wait = gatherWait();
                    if (wait <= 0) {
                        List<Pending> group = take();
                        running = true;
                        lock.unlock();
                        try {
                            run(group);
                        } finally {
                            lock.lock();
                            running = false;
                            changed.signalAll();
                        }
                        continue;
                    }
                    interrupted |= awaitNanos(wait);
                } else {
                    interrupted |= awaitNanos(Long.MAX_VALUE);
                }
            }
        } finally {
            lock.unlock();
            if (interrupted) {
                // A forward is not interruptible (as without batching); the engine sees the flag before its next step.
                Thread.currentThread().interrupt();
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    private boolean awaitNanos(long nanos) {
        try {
            changed.awaitNanos(nanos);
            return false;
        } catch (InterruptedException e) {
            return true;
        }
    }

    /** Nanoseconds to keep gathering before the queued steps run (0: run now). Holds the lock. */
    private long gatherWait() {
        int rows = 0;
        for (Pending p : queue) {
            rows += p.batch.batch();
        }
        if (queue.size() >= members || rows >= maxRows) {
            return 0;
        }
        // Counted from the end of the last forward too: its generations are only sampling and come back soon, and
        // running the others without them would split the generations into groups that alternate for good.
        long window = Math.min(lastForwardNanos / 2, maxGatherNanos);
        return Math.max(queue.peekFirst().submitted, lastForwardEnd) + window - System.nanoTime();
    }

    /** The oldest submissions that fit in {@link #maxRows} (at least one). Holds the lock. */
    private List<Pending> take() {
        List<Pending> group = new ArrayList<>();
        int rows = 0;
        while (!queue.isEmpty() && (group.isEmpty() || rows + queue.peekFirst().batch.batch() <= maxRows)) {
            Pending p = queue.pollFirst();
            rows += p.batch.batch();
            group.add(p);
        }
        forwards++;
        rowsForwarded += rows;
        if (group.size() > 1) {
            sharedForwards++;
        }
        return group;
    }

    /** Runs one group's forward and hands out the results. Called without the lock. */
    private void run(List<Pending> group) {
        long start = System.nanoTime();
        if (group.size() == 1) {
            runAlone(group.getFirst());
        } else {
            try {
                scatter(group, backend.forward(merge(group)));
            } catch (RuntimeException e) {
                // One member's bad step must not fail the others: each runs alone and gets its own result or error.
                LOG.debug("shared forward of {} steps failed ({}); running them one by one", group.size(), e.toString());
                group.forEach(this::runAlone);
            }
        }
        long took = System.nanoTime() - start;
        lock.lock();
        try {
            lastForwardNanos = took;
            lastForwardEnd = start + took;
            for (Pending p : group) {
                p.done = true;
            }
        } finally {
            lock.unlock();
        }
    }

    private void runAlone(Pending p) {
        try {
            p.result = backend.forward(p.batch);
        } catch (RuntimeException e) {
            p.failure = e;
        }
    }

    /** The steps of {@code group} as one batch: each canvas left-padded with hidden slots to the longest. */
    private ForwardBatch merge(List<Pending> group) {
        int length = 0;
        int batch = 0;
        int rowCount = 0;
        for (Pending p : group) {
            length = Math.max(length, p.batch.length());
            batch += p.batch.batch();
            rowCount += p.batch.rowCount();
        }
        int[] tokens = new int[batch * length];
        int[] positions = new int[batch * length];
        boolean[] visible = new boolean[batch * length];
        int[] rows = new int[rowCount];
        int b0 = 0;
        int r0 = 0;
        for (Pending p : group) {
            ForwardBatch fb = p.batch;
            int padN = length - fb.length();
            for (int b = 0; b < fb.batch(); b++) {
                int base = (b0 + b) * length;
                Arrays.fill(tokens, base, base + padN, pad);
                Arrays.fill(positions, base, base + padN, 1);
                for (int j = 0; j < fb.length(); j++) {
                    tokens[base + padN + j] = fb.token(b, j);
                    positions[base + padN + j] = fb.position(b, j);
                    visible[base + padN + j] = fb.isVisible(b, j);
                }
            }
            for (int r = 0; r < fb.rowCount(); r++) {
                int slot = fb.row(r);
                int b = slot / fb.length();
                int j = slot % fb.length();
                rows[r0 + r] = (b0 + b) * length + padN + j;
            }
            b0 += fb.batch();
            r0 += fb.rowCount();
        }
        return ForwardBatch.of(batch, length, tokens, positions, visible, rows);
    }

    private static void scatter(List<Pending> group, Logits all) {
        int vocab = all.vocab();
        int r0 = 0;
        for (Pending p : group) {
            int n = p.batch.rowCount();
            float[] data = Arrays.copyOfRange(all.data(), all.offset(r0), all.offset(r0) + n * vocab);
            p.result = new Logits(n, vocab, data);
            r0 += n;
        }
    }

    /**
     * One generation's backend: {@link #forward} goes through the shared step forwards; cache passes and everything
     * else go straight to the backend. {@link #close()} leaves the scheduler (it does not close the backend).
     */
    public final class Member implements Backend {
        private boolean closed;
        private boolean counted = true;

        private Member() {
        }

        @Override
        public ModelDescription model() {
            return backend.model();
        }

        @Override
        public BackendCapabilities capabilities() {
            return backend.capabilities();
        }

        @Override
        public Logits forward(ForwardBatch batch) {
            if (closed) {
                throw new IllegalStateException("this generation has left the step scheduler");
            }
            return submit(batch);
        }

        /**
         * A cached generation (Fast-dLLM) runs its passes on its own cache, outside the shared forwards: it stops
         * counting as a member the others wait for.
         */
        @Override
        public KvCache openCache(int batch, int length) {
            uncount();
            return backend.openCache(batch, length);
        }

        @Override
        public void close() {
            uncount();
            closed = true;
        }

        private void uncount() {
            lock.lock();
            try {
                if (counted) {
                    counted = false;
                    members--;
                    // The others may have been waiting for this generation's next step.
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
