package dev.dream4j.server;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's answer, written from any thread: every write is moved onto the request's event-loop context. The
 * first of "answered", "client gone" and "timed out" wins; the generation polls {@link #cancelled()} after each step.
 * The transport (HTTP with SSE, or gRPC) is a subclass; what is answered and when is decided here, once for both.
 */
abstract sealed class Exchange permits HttpExchange, GrpcExchange, Cluster.RemoteExchange {
    enum End { NONE, ANSWERED, CLIENT_GONE, TIMED_OUT }

    private final Vertx vertx;
    private final Context context;
    private final String endpoint;
    private final Metrics metrics;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile End end = End.NONE;
    private boolean streamStarted;
    private long timer = -1;
    private volatile Runnable onClientGone = () -> { };
    private volatile long timeLimitMillis = Long.MAX_VALUE;

    Exchange(Vertx vertx, String endpoint, Metrics metrics) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.endpoint = endpoint;
        this.metrics = metrics;
    }

    /** The transport saw the client go away (connection closed, stream reset, call cancelled). On the event loop. */
    protected final void clientGone() {
        if (settled.compareAndSet(false, true)) {
            end = End.CLIENT_GONE;
            metrics.cancelled();
            metrics.request(endpoint, 499);
            cancelTimer();
            onClientGone.run();
        }
    }

    /** Runs {@code action} (on the event loop) when the client leaves before an answer; at once if it already left. */
    void onClientGone(Runnable action) {
        onClientGone = action;
        if (end == End.CLIENT_GONE) {
            action.run();
        }
    }

    /** Caps the next {@link #deadline}: a gRPC call's own deadline, when shorter than the server's timeout. */
    void timeLimit(long millis) {
        timeLimitMillis = Math.max(1, millis);
    }

    /** Answers {@code 504} (or a stream error) when the request is not answered within {@code millis}. */
    void deadline(long requested) {
        long millis = Math.min(requested, timeLimitMillis);
        context.runOnContext(v -> {
            if (!settled.get()) {
                timer = vertx.setTimer(millis, id -> {
                    timer = -1;
                    if (!settled.get()) {
                        metrics.timedOut();
                        finish(new ApiException(504, "timeout", null, "timeout",
                                "the request did not finish within " + millis + " ms"), End.TIMED_OUT);
                    }
                });
            }
        });
    }

    /** Whether the generation should stop: the client is gone, the request timed out, or it was answered. */
    boolean cancelled() {
        return end != End.NONE;
    }

    End end() {
        return end;
    }

    /** The whole answer at once. */
    void json(int status, JsonObject body) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        end = End.ANSWERED;
        context.runOnContext(v -> {
            cancelTimer();
            if (open()) {
                metrics.request(endpoint, status);
                sendJson(status, body);
            }
        });
    }

    void error(ApiException e) {
        finish(e, End.ANSWERED);
    }

    /** The queue is full: {@code e} (a 429) with a hint of when to retry. */
    void busy(ApiException e, long retryAfterSeconds) {
        retryAfter(retryAfterSeconds);
        error(e);
    }

    private void finish(ApiException e, End how) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        end = how;
        context.runOnContext(v -> {
            cancelTimer();
            if (open()) {
                // an HTTP stream that already started can only carry the error as an event: its status is 200
                metrics.request(endpoint, streamStarted && reportsStreamErrorsInBand() ? 200 : e.status());
                sendError(e, streamStarted);
            }
        });
    }

    /** Starts the streamed answer now (when not yet started). */
    void sseStart() {
        context.runOnContext(v -> startStream());
    }

    /** One streamed event (starts the stream when needed). */
    void sse(JsonObject event) {
        if (settled.get()) {
            return;
        }
        context.runOnContext(v -> {
            if (settled.get() && end != End.ANSWERED) {
                return;
            }
            startStream();
            if (open()) {
                sendEvent(event);
            }
        });
    }

    /** The end of a streamed answer. */
    void sseDone() {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        end = End.ANSWERED;
        context.runOnContext(v -> {
            cancelTimer();
            startStream();
            if (open()) {
                metrics.request(endpoint, 200);
                sendDone();
            }
        });
    }

    private void startStream() {
        if (streamStarted) {
            return;
        }
        streamStarted = true;
        if (open()) {
            sendStreamHead();
        }
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    // ---------------------------------------------------------------- the transport (always on the event loop)

    /** Whether the answer can still be written (the client is there and nothing ended it). */
    protected abstract boolean open();

    protected abstract void sendJson(int status, JsonObject body);

    protected abstract void sendError(ApiException e, boolean streamStarted);

    protected abstract void sendStreamHead();

    protected abstract void sendEvent(JsonObject event);

    protected abstract void sendDone();

    /** Whether an error after the stream started travels inside the stream with a success status (SSE does). */
    protected abstract boolean reportsStreamErrorsInBand();

    /** Attaches a retry hint to the next error (called on the event loop before it is sent). */
    protected abstract void retryAfter(long seconds);
}
