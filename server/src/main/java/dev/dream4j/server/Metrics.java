package dev.dream4j.server;

import java.util.Locale;
import dev.dream4j.api.BatchStats;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/** The server's counters, rendered in the Prometheus text exposition format (version 0.0.4). */
final class Metrics {
    /** Upper bounds (seconds) of the step-time histogram buckets. */
    static final double[] STEP_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    private static final int RATE_WINDOW_SECONDS = 10;

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final LongAdder steps = new LongAdder();
    private final LongAdder generatedTokens = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder timedOut = new LongAdder();
    private final LongAdder[] stepBuckets = new LongAdder[STEP_BUCKETS.length];
    private final DoubleAdder stepSeconds = new DoubleAdder();
    private final LongAdder stepCount = new LongAdder();
    private final long[] windowSecond = new long[RATE_WINDOW_SECONDS + 1];
    private final long[] windowSteps = new long[RATE_WINDOW_SECONDS + 1];
    private final AtomicLong inFlight = new AtomicLong();
    private final IntSupplier queueLength;
    private final Supplier<Optional<BatchStats>> batch;
    private volatile java.util.function.Consumer<StringBuilder> extra = sb -> { };

    Metrics(IntSupplier queueLength) {
        this(queueLength, Optional::empty);
    }

    /** @param batch the model's step scheduler counters (empty when generations do not share forwards) */
    Metrics(IntSupplier queueLength, Supplier<Optional<BatchStats>> batch) {
        this.queueLength = queueLength;
        this.batch = batch;
        for (int i = 0; i < stepBuckets.length; i++) {
            stepBuckets[i] = new LongAdder();
        }
    }

    /** Appends more series to every rendering (the cluster's). */
    void extra(java.util.function.Consumer<StringBuilder> more) {
        this.extra = more;
    }

    void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    }

    /** One denoising step that took {@code nanos} of wall time (the forward pass and the sampler). */
    void step(long nanos) {
        steps.increment();
        double seconds = nanos / 1e9;
        stepSeconds.add(seconds);
        stepCount.increment();
        for (int i = 0; i < STEP_BUCKETS.length; i++) {
            if (seconds <= STEP_BUCKETS[i]) {
                stepBuckets[i].increment();
                break;
            }
        }
        long now = System.nanoTime() / 1_000_000_000L;
        synchronized (windowSecond) {
            int slot = (int) Math.floorMod(now, (long) windowSecond.length);
            if (windowSecond[slot] != now) {
                windowSecond[slot] = now;
                windowSteps[slot] = 0;
            }
            windowSteps[slot]++;
        }
    }

    /** Steps per second over the last {@value #RATE_WINDOW_SECONDS} seconds. */
    double stepsPerSecond() {
        long now = System.nanoTime() / 1_000_000_000L;
        long sum = 0;
        synchronized (windowSecond) {
            for (int i = 0; i < windowSecond.length; i++) {
                if (windowSteps[i] > 0 && now - windowSecond[i] < RATE_WINDOW_SECONDS) {
                    sum += windowSteps[i];
                }
            }
        }
        return sum / (double) RATE_WINDOW_SECONDS;
    }

    void generatedTokens(long n) {
        generatedTokens.add(n);
    }

    void rejected() {
        rejected.increment();
    }

    void cancelled() {
        cancelled.increment();
    }

    void timedOut() {
        timedOut.increment();
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    long inFlight() {
        return inFlight.get();
    }

    long totalSteps() {
        return steps.sum();
    }

    String render() {
        StringBuilder sb = new StringBuilder(2048);
        header(sb, "dream4j_requests_total", "counter", "HTTP requests answered, by endpoint and status.");
        Map<String, Long> sorted = new TreeMap<>();
        requests.forEach((k, v) -> sorted.put(k, v.sum()));
        sorted.forEach((k, v) -> {
            int cut = k.indexOf('\u0000');
            sb.append("dream4j_requests_total{endpoint=\"").append(escape(k.substring(0, cut)))
                    .append("\",status=\"").append(k.substring(cut + 1)).append("\"} ").append(v).append('\n');
        });
        counter(sb, "dream4j_rejected_total", "Requests refused with 429 because the queue was full.", rejected.sum());
        counter(sb, "dream4j_cancelled_total", "Generations cancelled because the client went away.", cancelled.sum());
        counter(sb, "dream4j_timeouts_total", "Generations that ran past the request timeout.", timedOut.sum());
        counter(sb, "dream4j_steps_total", "Denoising steps run.", steps.sum());
        counter(sb, "dream4j_generated_tokens_total", "New positions generated (canvas length minus prompt).", generatedTokens.sum());
        gauge(sb, "dream4j_steps_per_second", "Denoising steps per second over the last " + RATE_WINDOW_SECONDS + " s.", stepsPerSecond());
        gauge(sb, "dream4j_queue_length", "Generations waiting for a worker.", queueLength.getAsInt());
        gauge(sb, "dream4j_in_flight", "Generations accepted and not yet answered (queued or running).", inFlight.get());
        header(sb, "dream4j_step_seconds", "histogram",
                "Wall time of one denoising step (forward pass plus sampling), an approximation of the forward time.");
        long cumulative = 0;
        for (int i = 0; i < STEP_BUCKETS.length; i++) {
            cumulative += stepBuckets[i].sum();
            sb.append("dream4j_step_seconds_bucket{le=\"").append(num(STEP_BUCKETS[i])).append("\"} ").append(cumulative).append('\n');
        }
        long count = stepCount.sum();
        sb.append("dream4j_step_seconds_bucket{le=\"+Inf\"} ").append(count).append('\n');
        sb.append("dream4j_step_seconds_sum ").append(num(stepSeconds.sum())).append('\n');
        sb.append("dream4j_step_seconds_count ").append(count).append('\n');
        batch.get().ifPresent(b -> {
            gauge(sb, "dream4j_batch_active_generations", "Generations sharing step forwards now (continuous batching).", b.activeGenerations());
            counter(sb, "dream4j_batch_forwards_total", "Step forwards run for generations.", b.forwards());
            counter(sb, "dream4j_batch_shared_forwards_total", "Step forwards that held more than one generation's step.", b.sharedForwards());
            counter(sb, "dream4j_batch_rows_total", "Canvas rows over all step forwards (divide by forwards: mean batch).", b.rows());
        });
        extra.accept(sb);
        ProcessMetrics.render(sb);
        return sb.toString();
    }

    static void header(StringBuilder sb, String name, String type, String help) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static void counter(StringBuilder sb, String name, String help, long value) {
        header(sb, name, "counter", help);
        sb.append(name).append(' ').append(value).append('\n');
    }

    static void counterSeconds(StringBuilder sb, String name, String help, double value) {
        header(sb, name, "counter", help);
        sb.append(name).append(' ').append(num(value)).append('\n');
    }

    static void gauge(StringBuilder sb, String name, String help, double value) {
        header(sb, name, "gauge", help);
        sb.append(name).append(' ').append(num(value)).append('\n');
    }

    private static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
