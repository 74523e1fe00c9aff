package dev.dream4j.server;

import dev.dream4j.api.InfillRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The server's handlers, one per endpoint, around one {@link EndpointSupport}. Parsing runs on the event loop;
 * tokenizing and denoising run on the worker pool. gRPC and cluster peers reach the same handlers through
 * {@link #generation} and {@link #infill}.
 */
final class Endpoints {
    private final EndpointSupport support;
    final PageHandler page;
    final HealthHandler health;
    final MetricsHandler metrics;
    final ModelsHandler models;
    final CompletionHandler completions;
    final CompletionHandler chat;
    final DenoiseHandler denoise;
    final InfillHandler infill;

    Endpoints(ServerContext ctx, Buffer page) {
        this.support = new EndpointSupport(ctx);
        this.page = new PageHandler(ctx, page);
        this.health = new HealthHandler(support);
        this.metrics = new MetricsHandler(ctx);
        this.models = new ModelsHandler(support);
        this.completions = new CompletionHandler(support, GenSpec.Kind.COMPLETION);
        this.chat = new CompletionHandler(support, GenSpec.Kind.CHAT);
        this.denoise = new DenoiseHandler(support);
        this.infill = new InfillHandler(support);
    }

    void cluster(Cluster c) {
        support.cluster(c);
    }

    /** As {@link EndpointSupport#dispatch}: here, or on the least-loaded node of the cluster. */
    void dispatch(Exchange ex, String op, JsonObject body, String endpoint, Runnable local) {
        support.dispatch(ex, op, body, endpoint, local);
    }

    /** Runs a parsed generation request on the worker pool, answering through {@code ex} (HTTP or gRPC). */
    void generation(Exchange ex, GenSpec spec, GenSpec.Kind kind, String endpoint) {
        switch (kind) {
            case COMPLETION -> completions.run(ex, spec, endpoint);
            case CHAT -> chat.run(ex, spec, endpoint);
            case DENOISE -> denoise.run(ex, spec, endpoint);
        }
    }

    /** Runs a parsed infill request, streamed (one event per step) or answered once. */
    void infill(Exchange ex, InfillRequest request, boolean stream, String endpoint) {
        infill.run(ex, request, stream, endpoint);
    }
}
