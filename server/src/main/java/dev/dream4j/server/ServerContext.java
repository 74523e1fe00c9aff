package dev.dream4j.server;

import dev.dream4j.api.DiffusionLM;

/**
 * What every endpoint handler shares: the served model, the settings, the worker pool and the metrics. The model's
 * kernel type is named here and in {@link EndpointSupport} only, so replacing it with an API type is a local edit.
 */
record ServerContext(DiffusionLM model, ServerConfig config, WorkerPool pool, Metrics metrics) {
}
