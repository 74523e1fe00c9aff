package dev.dream4j.server;

import dev.dream4j.api.DiffusionLM;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The dream4j HTTP server: OpenAI-style completions and chat completions, infilling, a per-step denoising stream,
 * {@code /v1/models}, {@code /health}, Prometheus {@code /metrics}, and a canvas viewer page at {@code /}; on the same
 * port, over HTTP/2, the gRPC service {@code dream4j.v1.Dream4j} (the module's {@code dream4j.proto}).
 *
 * <pre>{@code
 * try (DiffusionLM lm = Dream4j.builder().model(dir).build();
 *      Dream4jServer server = Dream4jServer.start(lm, ServerConfig.defaults("my-model"))) {
 *     server.awaitStop();
 * }
 * }</pre>
 *
 * The server does not own the model: close the server first, then the model.
 */
public final class Dream4jServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dream4jServer.class);
    private static final Logger ACCESS = LoggerFactory.getLogger("dev.dream4j.server.access");

    private final ServerConfig config;
    private final Vertx vertx;
    private final HttpServer http;
    private final WorkerPool pool;
    private final Metrics metrics;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private Dream4jServer(ServerConfig config, Vertx vertx, HttpServer http, WorkerPool pool, Metrics metrics) {
        this.config = config;
        this.vertx = vertx;
        this.http = http;
        this.pool = pool;
        this.metrics = metrics;
    }

    /** Binds {@code config.host():config.port()} and serves {@code model} until {@link #close()}. */
    public static Dream4jServer start(DiffusionLM model, ServerConfig config) {
        return start(model, config, RequestGuard.of(config.host(), java.util.List.of()));
    }

    /** As {@link #start(DiffusionLM, ServerConfig)}, with {@code guard} in front of every route. */
    public static Dream4jServer start(DiffusionLM model, ServerConfig config, RequestGuard guard) {
        return start(model, config, guard, null);
    }

    /**
     * As {@link #start(DiffusionLM, ServerConfig, RequestGuard)}, as a node of the cluster {@code cluster} describes
     * (null: not clustered): requests accepted here run on the least-loaded node serving the same model.
     */
    public static Dream4jServer start(DiffusionLM model, ServerConfig config, RequestGuard guard, ClusterConfig cluster) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        WorkerPool pool = new WorkerPool(config.maxInFlight(), config.maxQueue());
        Metrics metrics = new Metrics(pool::queueLength, () -> model.diagnostics().batchStats());
        VertxOptions vertxOptions = new VertxOptions().setEventLoopPoolSize(Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())))
                .setWorkerPoolSize(2);
        Cluster.Joined joined = null;
        Vertx vertx;
        if (cluster == null) {
            vertx = Vertx.vertx(vertxOptions);
        } else {
            try {
                joined = Cluster.join(vertxOptions, cluster);
            } catch (Exception e) {
                pool.close();
                throw new IllegalStateException("cannot join the cluster on " + cluster.host() + ":" + cluster.port()
                        + " through " + cluster.members() + ": " + e.getMessage(), e);
            }
            vertx = joined.vertx();
        }
        try {
            Endpoints endpoints = new Endpoints(new ServerContext(model, config, pool, metrics), page());
            if (joined != null) {
                Cluster c = Cluster.start(joined, endpoints, config, metrics);
                endpoints.cluster(c);
                metrics.extra(c::render);
            }
            Router router = router(vertx, config, endpoints, metrics, guard);
            io.vertx.grpc.server.GrpcServer grpc = new GrpcService(vertx, endpoints, config, metrics).server();
            // HTTP/1.1 and HTTP/2 (cleartext, prior knowledge or upgrade) on one port: gRPC calls go to the gRPC
            // service, everything else to the router. Browsers cannot send gRPC (HTTP/2 trailers, no preflight is
            // ever granted), so the request guard, which protects against web pages, stays with the router.
            HttpServerOptions options = new HttpServerOptions().setHost(config.host()).setPort(config.port())
                    .setHttp2ClearTextEnabled(true)
                    .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, config.requestTimeout().toSeconds() + 60))
                    .setIdleTimeoutUnit(TimeUnit.SECONDS);
            HttpServer http = vertx.createHttpServer(options).requestHandler(req -> {
                String type = req.getHeader("Content-Type");
                if (req.version() == io.vertx.core.http.HttpVersion.HTTP_2 && type != null && type.startsWith("application/grpc")) {
                    grpc.handle(req);
                } else {
                    router.handle(req);
                }
            });
            http.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            Dream4jServer server = new Dream4jServer(config, vertx, http, pool, metrics);
            LOG.info("dream4j server listening on {} ({} in flight, queue {})", server.url(), config.maxInFlight(), config.maxQueue());
            return server;
        } catch (ExecutionException | TimeoutException e) {
            shutdown(vertx, pool);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new UncheckedIOException(new IOException("cannot listen on " + config.host() + ":" + config.port()
                    + ": " + cause.getMessage(), cause));
        } catch (InterruptedException e) {
            shutdown(vertx, pool);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting the server", e);
        } catch (RuntimeException e) {
            shutdown(vertx, pool);
            throw e;
        }
    }

    private static Router router(Vertx vertx, ServerConfig config, Endpoints e, Metrics metrics, RequestGuard guard) {
        Router router = Router.router(vertx);
        if (config.accessLog()) {
            router.route().handler(Dream4jServer::accessLog);
        }
        router.route().handler(guard);
        BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
        // GET endpoints answer HEAD too (Vert.x sends the headers without the body).
        get(router, "/").handler(e.page::page);
        get(router, "/index.html").handler(e.page::page);
        get(router, "/favicon.ico").handler(e.page::favicon);
        get(router, "/health").handler(e.health::health);
        get(router, "/health/live").handler(e.health::live);
        get(router, "/health/ready").handler(e.health::ready);
        get(router, "/metrics").handler(e.metrics::handle);
        get(router, "/v1/models").handler(e.models::models);
        get(router, "/v1/models/:id").handler(e.models::model);
        router.post("/v1/completions").handler(body).handler(e.completions::handle);
        router.post("/v1/chat/completions").handler(body).handler(e.chat::handle);
        router.post(DenoiseHandler.ENDPOINT).handler(body).handler(e.denoise::handle);
        router.post(InfillHandler.ENDPOINT).handler(body).handler(e.infill::handle);
        router.route().failureHandler(rc -> {
            Throwable t = rc.failure();
            ApiException err = t != null ? Errors.map(t, "prompt") : statusError(rc.statusCode(), rc);
            if (!rc.response().ended() && !rc.response().headWritten()) {
                metrics.request(endpointLabel(rc), err.status());
                sendError(rc, err);
            }
        });
        for (int status : new int[]{400, 404, 405, 413, 415, 500}) {
            router.errorHandler(status, rc -> {
                if (!rc.response().ended() && !rc.response().headWritten()) {
                    ApiException err = statusError(status, rc);
                    metrics.request(endpointLabel(rc), err.status());
                    sendError(rc, err);
                }
            });
        }
        return router;
    }

    private static io.vertx.ext.web.Route get(Router router, String path) {
        return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
    }

    /** The metrics label of a request that no endpoint answered: its route's path, else "other" (bounded labels). */
    private static String endpointLabel(RoutingContext rc) {
        return rc.currentRoute() != null && rc.currentRoute().getPath() != null ? rc.currentRoute().getPath() : "other";
    }

    /** One line per request when it ends, on its own logger so it can be routed or silenced separately. */
    private static void accessLog(RoutingContext rc) {
        long start = System.nanoTime();
        String method = rc.request().method().name();
        String uri = rc.request().uri();
        String remote = rc.request().remoteAddress() == null ? "-" : rc.request().remoteAddress().hostAddress();
        rc.addEndHandler(v -> ACCESS.info("{} {} {} {} {} ms", remote, method, uri, rc.response().getStatusCode(),
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e6)));
        rc.next();
    }

    private static ApiException statusError(int status, RoutingContext rc) {
        return switch (status) {
            case 404 -> new ApiException(404, "invalid_request_error", null, "not_found",
                    "unknown endpoint " + rc.request().method() + " " + rc.request().path());
            case 405 -> new ApiException(405, "invalid_request_error", null, "method_not_allowed",
                    "method " + rc.request().method() + " is not allowed on " + rc.request().path());
            case 413 -> new ApiException(413, "invalid_request_error", null, "request_too_large",
                    "the request body is larger than the limit");
            case 400, 415 -> new ApiException(status, "invalid_request_error", null, null, "bad request");
            default -> new ApiException(status < 400 ? 500 : status, "server_error", null, null, "internal error");
        };
    }

    /** Writes an OpenAI-style error body (on the event loop). */
    static void sendError(RoutingContext rc, ApiException e) {
        rc.response().setStatusCode(e.status()).putHeader("Content-Type", "application/json")
                .end(Errors.body(e).encode());
    }

    private static Buffer page() {
        try (InputStream in = Dream4jServer.class.getResourceAsStream("web/index.html")) {
            if (in == null) {
                throw new IllegalStateException("web/index.html is missing from the server module");
            }
            return Buffer.buffer(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The bound port (the real one when the configuration asked for 0). */
    public int port() {
        return http.actualPort();
    }

    /** {@code http://host:port}. */
    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port();
    }

    public ServerConfig config() {
        return config;
    }

    /** Blocks until {@link #close()} (for the command line). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Stops listening, cancels queued and running generations, and stops Vert.x. */
    @Override
    public void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        try {
            http.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing the HTTP server: {}", e.toString());
        }
        shutdown(vertx, pool);
        stopped.countDown();
        LOG.info("dream4j server stopped ({} steps served)", metrics.totalSteps());
    }

    private static void shutdown(Vertx vertx, WorkerPool pool) {
        pool.close();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("closing Vert.x: {}", e.toString());
        }
    }
}
