/**
 * An OpenAI-style HTTP server for a loaded dream4j model, on Vert.x 5: completions and chat completions (with SSE
 * streaming of settled text), infilling, a per-step denoising stream, models, health, Prometheus metrics and a
 * canvas viewer page.
 */
module dev.dream4j.server {
    requires transitive dev.dream4j.kernel;
    requires io.vertx.core;
    requires io.vertx.web;
    requires org.slf4j;
    requires java.management;
    requires jdk.management;

    exports dev.dream4j.server;
}
