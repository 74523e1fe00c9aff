package dev.dream4j.server;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** An {@link Exchange} over HTTP: a JSON body, or an SSE stream of {@code data:} events ending in {@code [DONE]}. */
final class HttpExchange extends Exchange {
    private final RoutingContext rc;

    HttpExchange(RoutingContext rc, String endpoint, Metrics metrics) {
        super(rc.vertx(), endpoint, metrics);
        this.rc = rc;
        rc.response().closeHandler(v -> clientGone());
    }

    @Override
    protected boolean open() {
        HttpServerResponse r = rc.response();
        return !r.closed() && !r.ended();
    }

    @Override
    protected void sendJson(int status, JsonObject body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    @Override
    protected void sendError(ApiException e, boolean streamStarted) {
        if (streamStarted) {
            rc.response().write("data: " + Errors.body(e).encode() + "\n\n");
            rc.response().end("data: [DONE]\n\n");
        } else {
            Dream4jServer.sendError(rc, e);
        }
    }

    @Override
    protected void sendStreamHead() {
        HttpServerResponse r = rc.response();
        if (r.headWritten()) {
            return;
        }
        r.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", "text/event-stream; charset=utf-8")
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        r.writeHead();
    }

    @Override
    protected void sendEvent(JsonObject event) {
        rc.response().write("data: " + event.encode() + "\n\n");
    }

    @Override
    protected void sendDone() {
        rc.response().end("data: [DONE]\n\n");
    }

    @Override
    protected boolean reportsStreamErrorsInBand() {
        return true;
    }

    @Override
    protected void retryAfter(long seconds) {
        rc.response().putHeader("Retry-After", Long.toString(seconds));
    }
}
