package dev.dream4j.server;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.InfillRequest;
import dev.dream4j.api.InfillResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;

/** {@code POST /v1/infill} (and gRPC's Infill and InfillStream): fills the middle between a prefix and a suffix. */
final class InfillHandler {
    static final String ENDPOINT = "/v1/infill";

    private final EndpointSupport support;
    private final ServerContext ctx;

    InfillHandler(EndpointSupport support) {
        this.support = support;
        this.ctx = support.ctx();
    }

    void handle(RoutingContext rc) {
        support.accept(rc, ENDPOINT, Cluster.INFILL, GenSpec::infill, (ex, request) -> run(ex, request, false, ENDPOINT));
    }

    /**
     * Runs a parsed infill request; with {@code stream}, one {@code infill.step} event per step and then an
     * {@code infill} event with the result (gRPC's InfillStream), else the result as one answer.
     */
    void run(Exchange ex, InfillRequest request, boolean stream, String endpoint) {
        support.submit(endpoint, ex, "prefix", () -> {
            DenoisingListener steps = !stream ? DenoisingListener.NONE : step -> {
                ex.sse(new JsonObject().put("object", "infill.step").put("step", step.step())
                        .put("total_steps", step.totalSteps()).put("masks_left", step.masksLeft()));
                return DenoisingListener.Decision.CONTINUE;
            };
            InfillResult r = ctx.model().infill(request, support.guard(ex, steps, 0));
            ctx.metrics().generatedTokens(r.middleIds().size());
            JsonObject result = new JsonObject().put("id", "infill-" + EndpointSupport.id()).put("object", "infill")
                    .put("created", System.currentTimeMillis() / 1000).put("model", ctx.config().modelName())
                    .put("middle", r.middle()).put("middle_ids", new JsonArray(new ArrayList<>(r.middleIds())))
                    .put("steps", r.steps()).put("expansions", r.expansions()).put("deletions", r.deletions());
            if (stream) {
                ex.sse(new JsonObject().put("object", "infill").put("result", result));
                ex.sseDone();
            } else {
                ex.json(200, result);
            }
        });
    }
}
