package dev.dream4j.fuzz;

import dev.dream4j.api.Dream4jException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs the cases of one {@link Target}: case {@code i} draws its input from {@code new SplittableRandom(seed + i)},
 * so any case is reproduced from the campaign seed and its index. Each case runs on a worker thread behind a
 * watchdog; a case still running after {@code hangAfter} counts as a {@link Outcome#HANG} (a watchdog, not a speed
 * limit: bounded inputs finish in milliseconds) and its thread is abandoned.
 */
public final class Campaign {
    /** One case that ended in a bug class, with what reproduces it. */
    public record Finding(String target, long seed, int index, Outcome outcome, String error, String input) {
    }

    /** The tally of one campaign. */
    public record Result(String target, Map<Outcome, Integer> counts, List<Finding> findings) {
        public int cases() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }

        public int bugs() {
            return counts.get(Outcome.UNTYPED) + counts.get(Outcome.HANG) + counts.get(Outcome.CRASH);
        }
    }

    private final long seed;
    private final int cases;
    private final Duration hangAfter;

    public Campaign(long seed, int cases, Duration hangAfter) {
        this.seed = seed;
        this.cases = cases;
        this.hangAfter = hangAfter;
    }

    public Result run(Target target) {
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0);
        }
        List<Finding> findings = new ArrayList<>();
        ExecutorService worker = newWorker();
        try {
            for (int i = 0; i < cases; i++) {
                Target.Case c = target.generate(new Mutator(new SplittableRandom(seed + i)));
                Future<?> f = worker.submit(() -> {
                    target.run(c);
                    return null;
                });
                Outcome outcome;
                String error = null;
                try {
                    f.get(hangAfter.toMillis(), TimeUnit.MILLISECONDS);
                    outcome = Outcome.OK;
                } catch (ExecutionException e) {
                    Throwable t = e.getCause();
                    outcome = t instanceof Dream4jException ? Outcome.TYPED : t instanceof Error ? Outcome.CRASH : Outcome.UNTYPED;
                    error = t.toString();
                } catch (TimeoutException e) {
                    outcome = Outcome.HANG;
                    f.cancel(true);
                    worker.shutdownNow();
                    worker = newWorker(); // the hung thread is abandoned (a daemon)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
                counts.merge(outcome, 1, Integer::sum);
                if (outcome == Outcome.UNTYPED || outcome == Outcome.HANG || outcome == Outcome.CRASH) {
                    findings.add(new Finding(target.name(), seed, i, outcome, error, c.describe()));
                }
            }
        } finally {
            worker.shutdownNow();
        }
        return new Result(target.name(), counts, findings);
    }

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(null, r, "dream4j-fuzz", 0);
            t.setDaemon(true);
            return t;
        });
    }
}
