package dev.dream4j.server;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One request's answer, written from any thread: every write is moved onto the request's event-loop context. The
 * first of "answered", "client gone" and "timed out" wins; the generation polls {@link #cancelled()} after each step.
 */
final class Exchange {
    enum End { NONE, ANSWERED, CLIENT_GONE, TIMED_OUT }

    private final RoutingContext rc;
    private final Context context;
    private final String endpoint;
    private final Metrics metrics;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile End end = End.NONE;
    private boolean sseStarted;
    private long timer = -1;
    private volatile Runnable onClientGone = () -> { };

    Exchange(RoutingContext rc, String endpoint, Metrics metrics) {
        this.rc = rc;
        this.context = rc.vertx().getOrCreateContext();
        this.endpoint = endpoint;
        this.metrics = metrics;
        rc.response().closeHandler(v -> {
            if (settled.compareAndSet(false, true)) {
                end = End.CLIENT_GONE;
                metrics.cancelled();
                metrics.request(endpoint, 499);
                cancelTimer();
                onClientGone.run();
            }
        });
    }

    /** Runs {@code action} (on the event loop) when the client leaves before an answer; at once if it already left. */
    void onClientGone(Runnable action) {
        onClientGone = action;
        if (end == End.CLIENT_GONE) {
            action.run();
        }
    }

    /** Answers {@code 504} (or an SSE error) when the request is not answered within {@code millis}. */
    void deadline(long millis) {
        context.runOnContext(v -> {
            if (!settled.get()) {
                timer = rc.vertx().setTimer(millis, id -> {
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

    void json(int status, JsonObject body) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        end = End.ANSWERED;
        context.runOnContext(v -> {
            cancelTimer();
            HttpServerResponse r = rc.response();
            if (r.closed() || r.ended()) {
                return;
            }
            metrics.request(endpoint, status);
            r.setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
        });
    }

    void error(ApiException e) {
        finish(e, End.ANSWERED);
    }

    private void finish(ApiException e, End how) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        end = how;
        context.runOnContext(v -> {
            cancelTimer();
            HttpServerResponse r = rc.response();
            if (r.closed() || r.ended()) {
                return;
            }
            if (sseStarted) {
                metrics.request(endpoint, 200);
                r.write("data: " + Errors.body(e).encode() + "\n\n");
                r.end("data: [DONE]\n\n");
            } else {
                metrics.request(endpoint, e.status());
                Dream4jServer.sendError(rc, e);
            }
        });
    }

    /** Sends the SSE headers now (when not yet sent). */
    void sseStart() {
        context.runOnContext(v -> startSse());
    }

    /** One {@code data:} event (starts the SSE response when needed). */
    void sse(String data) {
        if (settled.get()) {
            return;
        }
        Buffer chunk = Buffer.buffer("data: " + data + "\n\n");
        context.runOnContext(v -> {
            if (settled.get() && end != End.ANSWERED) {
                return;
            }
            startSse();
            HttpServerResponse r = rc.response();
            if (!r.closed() && !r.ended()) {
                r.write(chunk);
            }
        });
    }

    /** {@code data: [DONE]} and the end of the response. */
    void sseDone() {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        end = End.ANSWERED;
        context.runOnContext(v -> {
            cancelTimer();
            startSse();
            HttpServerResponse r = rc.response();
            if (!r.closed() && !r.ended()) {
                metrics.request(endpoint, 200);
                r.end("data: [DONE]\n\n");
            }
        });
    }

    private void startSse() {
        if (sseStarted) {
            return;
        }
        sseStarted = true;
        HttpServerResponse r = rc.response();
        if (r.closed() || r.ended() || r.headWritten()) {
            return;
        }
        r.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        r.writeHead();
    }

    private void cancelTimer() {
        if (timer >= 0) {
            rc.vertx().cancelTimer(timer);
            timer = -1;
        }
    }
}
