package dev.dream4j.server;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import static dev.dream4j.server.EndpointSupport.json;

/** {@code GET /health}, {@code /health/live} and {@code /health/ready}. */
final class HealthHandler {
    private final EndpointSupport support;
    private final ServerConfig config;
    private final WorkerPool pool;
    private final Metrics metrics;
    private final long startNanos = System.nanoTime();

    HealthHandler(EndpointSupport support) {
        this.support = support;
        this.config = support.ctx().config();
        this.pool = support.ctx().pool();
        this.metrics = support.ctx().metrics();
    }

    void health(RoutingContext rc) {
        metrics.request("/health", 200);
        JsonObject health = new JsonObject().put("status", "ok").put("model", config.modelName())
                .put("in_flight", metrics.inFlight()).put("queue_length", pool.queueLength())
                .put("uptime_s", (System.nanoTime() - startNanos) / 1_000_000_000L);
        Cluster c = support.cluster();
        if (c != null) {
            health.put("cluster", new JsonObject().put("node", c.node()).put("nodes", c.liveNodes()));
        }
        json(rc, 200, health);
    }

    /** Liveness for a load balancer or orchestrator: the process answers. */
    void live(RoutingContext rc) {
        metrics.request("/health/live", 200);
        json(rc, 200, new JsonObject().put("status", "ok"));
    }

    /**
     * Readiness: {@code 200} while a new generation would be admitted, {@code 503} while the queue is full (a new one
     * would get a 429), so a load balancer sends it to another replica instead.
     */
    void ready(RoutingContext rc) {
        int queued = pool.queueLength();
        boolean full = queued >= config.maxQueue() && pool.active() >= config.maxInFlight();
        int status = full ? 503 : 200;
        metrics.request("/health/ready", status);
        json(rc, status, new JsonObject().put("status", full ? "busy" : "ready").put("in_flight", metrics.inFlight())
                .put("queue_length", queued).put("max_queue", config.maxQueue()));
    }
}
