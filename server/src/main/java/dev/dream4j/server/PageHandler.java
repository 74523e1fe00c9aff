package dev.dream4j.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /} (and {@code /index.html}): the playground page; {@code GET /favicon.ico}: its icon. */
final class PageHandler {
    private final Metrics metrics;
    private final Buffer page;

    PageHandler(ServerContext ctx, Buffer page) {
        this.metrics = ctx.metrics();
        this.page = page;
    }

    void page(RoutingContext rc) {
        metrics.request("/", 200);
        rc.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache").end(page);
    }

    /** A small icon, so browsers asking for one get it instead of a 404 in the logs and metrics. */
    void favicon(RoutingContext rc) {
        metrics.request("/favicon.ico", 200);
        rc.response().putHeader("Content-Type", "image/svg+xml").putHeader("Cache-Control", "max-age=86400").end(FAVICON);
    }

    private static final Buffer FAVICON = Buffer.buffer("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 16 16\">"
            + "<rect width=\"16\" height=\"16\" rx=\"3\" fill=\"#1f2937\"/><rect x=\"3\" y=\"4\" width=\"4\" height=\"3\" fill=\"#60a5fa\"/>"
            + "<rect x=\"9\" y=\"4\" width=\"4\" height=\"3\" fill=\"#9ca3af\"/><rect x=\"3\" y=\"9\" width=\"4\" height=\"3\" fill=\"#9ca3af\"/>"
            + "<rect x=\"9\" y=\"9\" width=\"4\" height=\"3\" fill=\"#60a5fa\"/></svg>");
}
