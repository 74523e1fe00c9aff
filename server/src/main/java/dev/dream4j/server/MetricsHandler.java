package dev.dream4j.server;

import io.vertx.ext.web.RoutingContext;

/** {@code GET /metrics}: the Prometheus text exposition. */
final class MetricsHandler {
    private final Metrics metrics;

    MetricsHandler(ServerContext ctx) {
        this.metrics = ctx.metrics();
    }

    void handle(RoutingContext rc) {
        metrics.request("/metrics", 200);
        rc.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.render());
    }
}
