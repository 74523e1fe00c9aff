package dev.dream4j.server;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.GenerationCancelledException;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.Prompt;
import dev.dream4j.api.PluginInfo;
import dev.dream4j.api.PluginKind;
import dev.dream4j.api.PreparedGeneration;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * What the endpoint handlers share: reading a request and sending it to the node that runs it, admission to the worker
 * pool, the per-step guard, preparing a generation (prompt ids, resolved settings), JSON answers and rejections, and
 * the model facts the handlers need. The only server class besides {@link ServerContext} that uses kernel types, so
 * moving the server onto the API changes this file and not the handlers.
 */
final class EndpointSupport {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointSupport.class);

    private final ServerContext ctx;
    private final ServerConfig config;
    private final WorkerPool pool;
    private final Metrics metrics;
    private final Map<Integer, String> pieces = new ConcurrentHashMap<>();
    /** Where requests may run besides here; null when the server is not clustered. */
    private volatile Cluster cluster;
    /** Mean wall time of recent generations (seconds), for Retry-After. */
    private volatile double meanSeconds = 1.0;

    EndpointSupport(ServerContext ctx) {
        this.ctx = ctx;
        this.config = ctx.config();
        this.pool = ctx.pool();
        this.metrics = ctx.metrics();
    }

    ServerContext ctx() {
        return ctx;
    }

    void cluster(Cluster c) {
        this.cluster = c;
    }

    /** The cluster this server is a node of; null when it is not clustered. */
    Cluster cluster() {
        return cluster;
    }

    /**
     * Reads an HTTP request with {@code parse} (a bad one is rejected here, on the event loop) and hands it, with its
     * exchange, to {@code run}: here or, on a cluster, on the node chosen for operation {@code op}.
     */
    <T> void accept(RoutingContext rc, String endpoint, String op, Function<Body, T> parse, BiConsumer<Exchange, T> run) {
        T request;
        Body body;
        try {
            body = Body.parse(rc.body().buffer());
            request = parse.apply(body);
        } catch (ApiException e) {
            reject(rc, endpoint, e);
            return;
        }
        Exchange ex = new HttpExchange(rc, endpoint, metrics);
        dispatch(ex, op, body.json(), endpoint, () -> run.accept(ex, request));
    }

    /**
     * Runs a validated request here ({@code local}), or, on a cluster, on the least-loaded node serving this model
     * ({@code op} and the {@code body} travel there; it answers through {@code ex}).
     */
    void dispatch(Exchange ex, String op, JsonObject body, String endpoint, Runnable local) {
        Cluster c = cluster;
        if (c == null || !c.forward(ex, op, body, endpoint, local)) {
            local.run();
        }
    }

    static void json(RoutingContext rc, int status, JsonObject body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    void reject(RoutingContext rc, String endpoint, ApiException e) {
        metrics.request(endpoint, e.status());
        Dream4jServer.sendError(rc, e);
    }

    /** The request field an error about the prompt names: {@code messages} for a chat, else {@code prompt}. */
    static String promptField(GenerationRequest request) {
        return request.prompts().getFirst() instanceof Prompt.Chat ? "messages" : "prompt";
    }

    void submit(String endpoint, Exchange ex, String promptField, Runnable job) {
        metrics.started();
        try {
            Runnable task = () -> {
                long start = System.nanoTime();
                try {
                    if (!ex.cancelled()) {
                        job.run();
                    }
                } catch (GenerationCancelledException e) {
                    if (!ex.cancelled()) {
                        ex.error(new ApiException(500, "server_error", null, null, e.getMessage()));
                    }
                } catch (Throwable t) {
                    if (!ex.cancelled()) {
                        ex.error(Errors.map(t, promptField));
                    } else {
                        LOG.debug("generation failed after its request ended: {}", t.toString());
                    }
                } finally {
                    metrics.finished();
                    meanSeconds = 0.8 * meanSeconds + 0.2 * ((System.nanoTime() - start) / 1e9);
                }
            };
            pool.submit(task);
            // a queued request whose client left gives its queue slot back at once
            ex.onClientGone(() -> {
                if (pool.withdraw(task)) {
                    metrics.finished();
                }
            });
        } catch (RejectedExecutionException e) {
            metrics.finished();
            metrics.rejected();
            long retry = Math.max(1, Math.min(60, (long) Math.ceil(meanSeconds * (1 + config.maxQueue() / (double) config.maxInFlight()))));
            ex.busy(new ApiException(429, "rate_limit_exceeded", null, "rate_limit_exceeded",
                    "the server is busy (" + config.maxInFlight() + " generation(s) running, " + config.maxQueue()
                            + " queued); retry after " + retry + " s"), retry);
            return;
        }
        ex.deadline(config.requestTimeout().toMillis());
    }

    /** Stops the loop when the request ended; records each step's wall time; optionally slows the loop down. */
    DenoisingListener guard(Exchange ex, DenoisingListener inner, int delayMs) {
        long[] last = {System.nanoTime()};
        return step -> {
            long now = System.nanoTime();
            metrics.step(now - last[0]);
            if (ex.cancelled()) {
                return DenoisingListener.Decision.CANCEL;
            }
            DenoisingListener.Decision d = inner.onStep(step);
            if (delayMs > 0 && step.masksLeft() > 0) {
                try {
                    Thread.sleep(delayMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return DenoisingListener.Decision.CANCEL;
                }
            }
            last[0] = System.nanoTime();
            return ex.cancelled() ? DenoisingListener.Decision.CANCEL : d;
        };
    }

    /**
     * Prompt ids, defaults resolved and the sampler looked up before anything is sent, so bad input is a 400.
     *
     * @param request the request as it will run: without {@code steps}, it runs {@code min(new tokens, the checkpoint's
     *                default steps)}, so 16 new tokens do not take the 64 steps a checkpoint sets for 64
     */
    record Prepared(PreparedGeneration run) {
        /** The request as it runs (seed drawn, steps chosen). */
        GenerationRequest request() {
            return run.request();
        }

        /** The ids of each prompt. */
        List<int[]> promptIds() {
            return run.promptIds().stream().map(ids -> ids.stream().mapToInt(Integer::intValue).toArray()).toList();
        }

        int promptLength() {
            return run.promptLength();
        }

        /** Prompt and completion positions of every row. */
        int canvasLength() {
            return run.promptLength() + run.newTokens();
        }

        /** The steps the loop runs at most. */
        int totalSteps() {
            return run.steps();
        }

        /** The sampler's name, as resolved from the request and the checkpoint's defaults. */
        String sampler() {
            return run.sampler();
        }
    }

    Prepared prepare(GenerationRequest request, String promptField) {
        long rows = (long) request.prompts().size() * request.numReturnSequences();
        if (rows > config.maxN()) {
            throw ApiException.invalid("n", request.prompts().size() + " prompt(s) x n = " + request.numReturnSequences()
                    + " make " + rows + " sequences; at most " + config.maxN() + " per request");
        }
        int context = ctx.model().info().contextLength();
        PreparedGeneration run;
        try {
            run = ctx.model().prepare(request);
        } catch (InvalidRequestException e) {
            // Whatever the model names first, a request that cannot fit the context gets OpenAI's code for it. Only
            // this error path tokenizes a second time.
            int promptLength = promptLength(request);
            // In long arithmetic: max_tokens may be as large as an int goes.
            long newTokens = request.maxNewTokens().isPresent() ? request.maxNewTokens().getAsInt() : -1;
            if (promptLength >= context || newTokens >= 0 && promptLength + newTokens > context) {
                throw contextLengthExceeded(promptField, context, promptLength, newTokens);
            }
            throw e;
        }
        if (request.steps().isEmpty() && run.steps() > run.newTokens()) {
            GenerationRequest fewer = run.request().toBuilder().steps(run.newTokens()).build();
            try {
                run = ctx.model().prepare(fewer);
            } catch (InvalidRequestException e) {
                // Block decoding may need more steps than tokens (2 per block): keep the checkpoint's default.
                LOG.debug("keeping the default steps: {}", e.getMessage());
            }
        }
        return new Prepared(run);
    }

    /** The longest prompt of a request the model refused, for the context-length message. */
    private int promptLength(GenerationRequest request) {
        int longest = 0;
        for (Prompt p : request.prompts()) {
            int n = switch (p) {
                case Prompt.Tokens t -> t.ids().size();
                case Prompt.Text t -> ctx.model().encode(t.text()).size();
                case Prompt.Chat c -> ctx.model().encode(ctx.model().renderChat(c.messages())).size();
            };
            longest = Math.max(longest, n);
        }
        return longest;
    }

    private static ApiException contextLengthExceeded(String field, int context, int promptLength, long newTokens) {
        String asked = newTokens < 0 ? promptLength + " tokens in the prompt"
                : (promptLength + newTokens) + " tokens (" + promptLength + " in the prompt, " + newTokens + " for the completion)";
        return new ApiException(400, "invalid_request_error", newTokens < 0 || promptLength >= context ? field : "max_tokens",
                "context_length_exceeded", "this model's maximum context length is " + context + " tokens; you requested " + asked
                + ". Shorten the prompt or lower max_tokens.");
    }

    // ---------------------------------------------------------------- the model, as the handlers see it

    /** The names of the samplers a request may choose. */
    List<String> samplerNames() {
        return ctx.model().plugins().stream().filter(p -> p.kind() == PluginKind.SAMPLER)
                .map(PluginInfo::name).sorted().toList();
    }

    int maskId() {
        return ctx.model().info().specialTokens().get("mask");
    }

    int eosId() {
        return ctx.model().info().specialTokens().get("eos");
    }

    /** The text of {@code ids}, special tokens included. */
    String decode(int[] ids) {
        return ctx.model().decode(Arrays.stream(ids).boxed().toList(), false);
    }

    /** The text of one token id, remembered: the denoise stream shows every committed token. */
    String piece(int id) {
        return pieces.computeIfAbsent(id, k -> decode(new int[]{k}));
    }

    /** Follows the settled text of {@code rows} streamed rows. */
    SettledText settledText(int rows, int promptLength, List<String> stop) {
        return new SettledText(ctx.model(), rows, promptLength, maskId(), eosId(), stop);
    }

    /** A random id for a response object. */
    static String id() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
