package dev.dream4j.server;

import dev.dream4j.api.ModelInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.TreeMap;

import static dev.dream4j.server.EndpointSupport.json;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the served model. */
final class ModelsHandler {
    private final EndpointSupport support;
    private final ServerContext ctx;
    private final long created = System.currentTimeMillis() / 1000;

    ModelsHandler(EndpointSupport support) {
        this.support = support;
        this.ctx = support.ctx();
    }

    void models(RoutingContext rc) {
        ctx.metrics().request("/v1/models", 200);
        json(rc, 200, new JsonObject().put("object", "list").put("data", new JsonArray().add(modelObject())));
    }

    /** {@code GET /v1/models/{id}}: the served model, or 404 {@code model_not_found}. */
    void model(RoutingContext rc) {
        String id = rc.pathParam("id");
        String served = ctx.config().modelName();
        if (!served.equals(id)) {
            support.reject(rc, "/v1/models/{id}", new ApiException(404, "invalid_request_error", "model", "model_not_found",
                    "the model '" + id + "' does not exist; this server serves '" + served + "'"));
            return;
        }
        ctx.metrics().request("/v1/models/{id}", 200);
        json(rc, 200, modelObject());
    }

    private JsonObject modelObject() {
        ModelInfo info = ctx.model().info();
        JsonObject details = new JsonObject().put("family", info.family()).put("backend", info.backend())
                .put("tokenizer", info.tokenizer()).put("vocab_size", info.vocabSize())
                .put("context_length", info.contextLength()).put("max_batch", ctx.model().diagnostics().maxBatch())
                .put("samplers", new JsonArray(support.samplerNames()))
                .put("special_tokens", new JsonObject(new TreeMap<>(info.specialTokens())));
        return new JsonObject().put("id", ctx.config().modelName()).put("object", "model").put("created", created)
                .put("owned_by", "dream4j").put("dream4j", details);
    }
}
