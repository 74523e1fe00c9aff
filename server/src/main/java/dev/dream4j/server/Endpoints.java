package dev.dream4j.server;

import dev.dream4j.Dream4jModel;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.GenerationCancelledException;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.api.InfillRequest;
import dev.dream4j.api.InfillResult;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.ModelInfo;
import dev.dream4j.api.Prompt;
import dev.dream4j.kernel.engine.ResolvedGeneration;
import dev.dream4j.kernel.plugin.PluginKind;
import dev.dream4j.spi.sampling.SamplerProvider;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;

/** The request handlers. Parsing runs on the event loop; tokenizing and denoising run on the worker pool. */
final class Endpoints {
    private static final Logger LOG = LoggerFactory.getLogger(Endpoints.class);

    private final Dream4jModel model;
    private final ServerConfig config;
    private final WorkerPool pool;
    private final Metrics metrics;
    private final Buffer page;
    private final long created = System.currentTimeMillis() / 1000;
    private final long startNanos = System.nanoTime();
    private static final SecureRandom SEEDS = new SecureRandom();
    private final Map<Integer, String> pieces = new ConcurrentHashMap<>();
    /** Where requests may run besides here; null when the server is not clustered. */
    private volatile Cluster cluster;
    /** Mean wall time of recent generations (seconds), for Retry-After. */
    private volatile double meanSeconds = 1.0;

    Endpoints(Dream4jModel model, ServerConfig config, WorkerPool pool, Metrics metrics, Buffer page) {
        this.model = model;
        this.config = config;
        this.pool = pool;
        this.metrics = metrics;
        this.page = page;
    }

    void cluster(Cluster c) {
        this.cluster = c;
    }

    /**
     * Runs a validated request here ({@code local}), or, on a cluster, on the least-loaded node serving this model
     * ({@code op} and the {@code body} travel there; it answers through {@code ex}).
     */
    void dispatch(Exchange ex, String op, io.vertx.core.json.JsonObject body, String endpoint, Runnable local) {
        Cluster c = cluster;
        if (c == null || !c.forward(ex, op, body, endpoint, local)) {
            local.run();
        }
    }

    // ---------------------------------------------------------------- simple endpoints

    void page(RoutingContext rc) {
        metrics.request("/", 200);
        rc.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-cache").end(page);
    }

    void health(RoutingContext rc) {
        metrics.request("/health", 200);
        JsonObject health = new JsonObject().put("status", "ok").put("model", config.modelName())
                .put("in_flight", metrics.inFlight()).put("queue_length", pool.queueLength())
                .put("uptime_s", (System.nanoTime() - startNanos) / 1_000_000_000L);
        Cluster c = cluster;
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

    void metrics(RoutingContext rc) {
        metrics.request("/metrics", 200);
        rc.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.render());
    }

    void models(RoutingContext rc) {
        metrics.request("/v1/models", 200);
        json(rc, 200, new JsonObject().put("object", "list").put("data", new JsonArray().add(modelObject())));
    }

    /** {@code GET /v1/models/{id}}: the served model, or 404 {@code model_not_found}. */
    void model(RoutingContext rc) {
        String id = rc.pathParam("id");
        if (!config.modelName().equals(id)) {
            reject(rc, "/v1/models/{id}", new ApiException(404, "invalid_request_error", "model", "model_not_found",
                    "the model '" + id + "' does not exist; this server serves '" + config.modelName() + "'"));
            return;
        }
        metrics.request("/v1/models/{id}", 200);
        json(rc, 200, modelObject());
    }

    private JsonObject modelObject() {
        ModelInfo info = model.info();
        JsonObject details = new JsonObject().put("family", info.family()).put("backend", info.backend())
                .put("tokenizer", info.tokenizer()).put("vocab_size", info.vocabSize())
                .put("context_length", info.contextLength()).put("max_batch", model.maxBatch())
                .put("samplers", new JsonArray(model.registry().providers(PluginKind.SAMPLER, SamplerProvider.class).stream()
                        .map(SamplerProvider::name).sorted().toList()))
                .put("special_tokens", new JsonObject(new java.util.TreeMap<>(info.specialTokens())));
        return new JsonObject().put("id", config.modelName()).put("object", "model").put("created", created)
                .put("owned_by", "dream4j").put("dream4j", details);
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

    private static void json(RoutingContext rc, int status, JsonObject body) {
        rc.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private void reject(RoutingContext rc, String endpoint, ApiException e) {
        metrics.request(endpoint, e.status());
        Dream4jServer.sendError(rc, e);
    }

    // ---------------------------------------------------------------- generation

    void generation(RoutingContext rc, GenSpec.Kind kind, String endpoint) {
        GenSpec spec;
        Body body;
        try {
            body = Body.parse(rc.body().buffer());
            spec = GenSpec.read(body, kind, config);
        } catch (ApiException e) {
            reject(rc, endpoint, e);
            return;
        }
        Exchange ex = new HttpExchange(rc, endpoint, metrics);
        dispatch(ex, kind.name(), body.json(), endpoint, () -> generation(ex, spec, kind, endpoint));
    }

    /** Runs a parsed generation request on the worker pool, answering through {@code ex} (HTTP or gRPC). */
    void generation(Exchange ex, GenSpec spec, GenSpec.Kind kind, String endpoint) {
        String promptField = spec.request().prompts().getFirst() instanceof Prompt.Chat ? "messages" : "prompt";
        submit(endpoint, ex, promptField, () -> {
            if (kind == GenSpec.Kind.DENOISE) {
                denoise(ex, spec);
            } else {
                complete(ex, spec, kind == GenSpec.Kind.CHAT);
            }
        });
    }

    void infill(RoutingContext rc) {
        InfillRequest request;
        Body body;
        try {
            body = Body.parse(rc.body().buffer());
            request = GenSpec.infill(body);
        } catch (ApiException e) {
            reject(rc, "/v1/infill", e);
            return;
        }
        Exchange ex = new HttpExchange(rc, "/v1/infill", metrics);
        dispatch(ex, Cluster.INFILL, body.json(), "/v1/infill", () -> infill(ex, request, false, "/v1/infill"));
    }

    /**
     * Runs a parsed infill request; with {@code stream}, one {@code infill.step} event per step and then an
     * {@code infill} event with the result (gRPC's InfillStream), else the result as one answer.
     */
    void infill(Exchange ex, InfillRequest request, boolean stream, String endpoint) {
        submit(endpoint, ex, "prefix", () -> {
            DenoisingListener steps = !stream ? DenoisingListener.NONE : step -> {
                ex.sse(new JsonObject().put("object", "infill.step").put("step", step.step())
                        .put("total_steps", step.totalSteps()).put("masks_left", step.masksLeft()));
                return DenoisingListener.Decision.CONTINUE;
            };
            InfillResult r = model.infill(request, guard(ex, steps, 0));
            metrics.generatedTokens(r.middleIds().size());
            JsonObject result = new JsonObject().put("id", "infill-" + id()).put("object", "infill")
                    .put("created", System.currentTimeMillis() / 1000).put("model", config.modelName())
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

    private void submit(String endpoint, Exchange ex, String promptField, Runnable job) {
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
    private DenoisingListener guard(Exchange ex, DenoisingListener inner, int delayMs) {
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
    private record Prepared(GenerationRequest request, List<int[]> promptIds, int promptLength, ResolvedGeneration resolved) {
    }

    private Prepared prepare(GenerationRequest request, String promptField) {
        List<int[]> ids = new ArrayList<>();
        for (Prompt p : request.prompts()) {
            ids.add(model.promptIds(p));
        }
        long rows = (long) ids.size() * request.numReturnSequences();
        if (rows > config.maxN()) {
            throw ApiException.invalid("n", ids.size() + " prompt(s) x n = " + request.numReturnSequences() + " make " + rows
                    + " sequences; at most " + config.maxN() + " per request");
        }
        int promptLength = ids.stream().mapToInt(a -> a.length).max().orElse(0);
        int context = model.description().contextLength();
        // In long arithmetic, before anything adds to it: max_tokens may be as large as an int goes.
        long newTokens = request.maxNewTokens().isPresent() ? request.maxNewTokens().getAsInt() : 1;
        if (promptLength + newTokens > context) {
            throw contextLengthExceeded(promptField, context, promptLength, request.maxNewTokens().isPresent() ? newTokens : -1);
        }
        ResolvedGeneration resolved;
        try {
            resolved = model.resolve(request, promptLength);
        } catch (InvalidRequestException e) {
            if (request.maxNewTokens().isEmpty() && e.getMessage().contains("context length")) {
                throw contextLengthExceeded(promptField, context, promptLength, -1);
            }
            throw e;
        }
        int generated = resolved.canvasLength() - promptLength;
        if (request.steps().isEmpty() && resolved.params().steps() > generated) {
            GenerationRequest fewer = request.toBuilder().steps(generated).build();
            try {
                resolved = model.resolve(fewer, promptLength);
                request = fewer;
            } catch (InvalidRequestException e) {
                // Block decoding may need more steps than tokens (2 per block): keep the checkpoint's default.
                LOG.debug("keeping the default steps: {}", e.getMessage());
            }
        }
        model.sampler(resolved.sampler(), resolved.params());
        return new Prepared(request, ids, promptLength, resolved);
    }

    private static ApiException contextLengthExceeded(String field, int context, int promptLength, long newTokens) {
        String asked = newTokens < 0 ? promptLength + " tokens in the prompt"
                : (promptLength + newTokens) + " tokens (" + promptLength + " in the prompt, " + newTokens + " for the completion)";
        return new ApiException(400, "invalid_request_error", newTokens < 0 || promptLength >= context ? field : "max_tokens",
                "context_length_exceeded", "this model's maximum context length is " + context + " tokens; you requested " + asked
                + ". Shorten the prompt or lower max_tokens.");
    }

    private void complete(Exchange ex, GenSpec spec, boolean chat) {
        // A drawn seed is fixed here, so that it can be reported even when the loop stops early.
        Prepared prep = prepare(spec.request().seed().isPresent() ? spec.request()
                : spec.request().toBuilder().seed(SEEDS.nextLong()).build(), chat ? "messages" : "prompt");
        GenerationRequest request = prep.request();
        String id = (chat ? "chatcmpl-" : "cmpl-") + id();
        long createdAt = System.currentTimeMillis() / 1000;
        String object = chat ? (spec.stream() ? "chat.completion.chunk" : "chat.completion") : "text_completion";
        int n = request.numReturnSequences();
        int rows = prep.promptIds().size() * n;
        int eos = model.description().tokens().eos();
        SettledText settled = new SettledText(model.tokenizer(), rows, prep.promptLength(), model.description().tokens().mask(), eos, spec.stop());
        if (spec.stream()) {
            ex.sseStart();
            if (chat) {
                JsonArray choices = new JsonArray();
                for (int b = 0; b < rows; b++) {
                    choices.add(new JsonObject().put("index", b).put("delta", new JsonObject().put("role", "assistant").put("content", ""))
                            .put("logprobs", null).put("finish_reason", null));
                }
                ex.sse(chunk(id, object, createdAt, choices));
            }
        }
        DenoisingListener inner = step -> {
            JsonArray choices = new JsonArray();
            for (int b = 0; b < step.canvas().size(); b++) {
                String delta = settled.advance(b, step.canvas().get(b));
                if (!delta.isEmpty()) {
                    choices.add(choice(chat, b, delta, null));
                }
            }
            if (spec.stream() && !choices.isEmpty()) {
                ex.sse(chunk(id, object, createdAt, choices));
            }
            // Every row's text is final (end-of-text or a stop string settled): the remaining steps cannot change it.
            return settled.allFinal() && step.masksLeft() > 0 ? DenoisingListener.Decision.STOP : DenoisingListener.Decision.CONTINUE;
        };
        long t0 = System.nanoTime();
        // a client gone makes the guard CANCEL (the call throws); "all rows final" STOPs and returns the partial result
        GenerationResult result = model.generate(request, guard(ex, inner, 0));
        int stepsRun = result.steps();
        if (result.stopped()) {
            result = null; // every row's text is final: the settled text below is the answer
        }
        metrics.generatedTokens((long) rows * (prep.resolved().canvasLength() - prep.promptLength()));

        int promptTokens = prep.promptIds().stream().mapToInt(a -> a.length).sum();
        int completionTokens = 0;
        JsonArray choices = new JsonArray();
        for (int b = 0; b < rows; b++) {
            String text;
            boolean stopped;
            if (result != null) {
                GenerationResult.GeneratedSequence seq = result.sequences().get(b);
                text = seq.text();
                int stopAt = GenSpec.stopIndex(text, spec.stop());
                stopped = seq.generatedIds().contains(eos) || stopAt >= 0;
                if (stopAt >= 0) {
                    text = text.substring(0, stopAt);
                }
                int kept = seq.generatedIds().indexOf(eos);
                completionTokens += kept < 0 ? seq.generatedIds().size() : kept;
            } else {
                text = settled.sent(b);
                stopped = true;
                completionTokens += settled.tokens(b);
            }
            String finish = stopped ? "stop" : "length";
            if (spec.stream()) {
                if (!text.startsWith(settled.sent(b))) {
                    LOG.warn("streamed text of choice {} is not a prefix of the final text", b);
                }
                choices.add(choice(chat, b, settled.finish(b, text), finish));
            } else if (chat) {
                choices.add(new JsonObject().put("index", b)
                        .put("message", new JsonObject().put("role", "assistant").put("content", text))
                        .put("logprobs", null).put("finish_reason", finish));
            } else {
                choices.add(new JsonObject().put("text", text).put("index", b).put("logprobs", null).put("finish_reason", finish));
            }
        }
        JsonObject usage = new JsonObject().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                .put("total_tokens", promptTokens + completionTokens);
        JsonObject extra = new JsonObject().put("steps", stepsRun).put("total_steps", prep.resolved().params().steps())
                .put("sampler", prep.resolved().sampler()).put("seed", request.seed().getAsLong())
                .put("elapsed_ms", (System.nanoTime() - t0) / 1e6).put("stopped_early", result == null);
        if (spec.stream()) {
            ex.sse(chunk(id, object, createdAt, choices).put("dream4j", extra));
            if (spec.includeUsage()) {
                ex.sse(chunk(id, object, createdAt, new JsonArray()).put("usage", usage));
            }
            ex.sseDone();
        } else {
            ex.json(200, new JsonObject().put("id", id).put("object", object).put("created", createdAt)
                    .put("model", config.modelName()).put("choices", choices).put("usage", usage).put("dream4j", extra));
        }
    }

    private JsonObject chunk(String id, String object, long createdAt, JsonArray choices) {
        return new JsonObject().put("id", id).put("object", object).put("created", createdAt)
                .put("model", config.modelName()).put("choices", choices);
    }

    private static JsonObject choice(boolean chat, int index, String text, String finish) {
        if (chat) {
            JsonObject delta = new JsonObject();
            if (!text.isEmpty() || finish == null) {
                delta.put("content", text);
            }
            return new JsonObject().put("index", index).put("delta", delta).put("logprobs", null).put("finish_reason", finish);
        }
        return new JsonObject().put("text", text).put("index", index).put("logprobs", null).put("finish_reason", finish);
    }

    // ---------------------------------------------------------------- denoise stream

    private void denoise(Exchange ex, GenSpec spec) {
        Prepared prep = prepare(spec.request(), spec.request().prompts().getFirst() instanceof Prompt.Chat ? "messages" : "prompt");
        int promptLength = prep.promptLength();
        int canvasLength = prep.resolved().canvasLength();
        int mask = model.description().tokens().mask();
        int eos = model.description().tokens().eos();
        int rows = prep.request().numReturnSequences();
        int totalSteps = prep.resolved().params().steps();
        int[] prompt = prep.promptIds().getFirst();
        ex.sseStart();
        JsonArray startRows = new JsonArray();
        for (int b = 0; b < rows; b++) {
            List<Integer> row = new ArrayList<>(canvasLength);
            for (int id : prompt) {
                row.add(id);
            }
            while (row.size() < canvasLength) {
                row.add(mask);
            }
            startRows.add(canvasRow(row, promptLength, mask, List.of()));
        }
        ex.sse(new JsonObject().put("object", "denoise.start").put("model", config.modelName())
                .put("prompt_length", promptLength).put("canvas_length", canvasLength).put("total_steps", totalSteps)
                .put("mask_id", mask).put("eos_id", eos).put("prompt_text", model.tokenizer().decode(prompt, false))
                .put("sampler", prep.resolved().sampler()).put("rows", startRows));
        long start = System.nanoTime();
        DenoisingListener inner = step -> {
            ex.sse(stepEvent(step, promptLength, mask, start));
            return DenoisingListener.Decision.CONTINUE;
        };
        GenerationResult result = model.generate(prep.request(), guard(ex, inner, spec.stepDelayMs()));
        metrics.generatedTokens((long) rows * (canvasLength - promptLength));
        JsonArray choices = new JsonArray();
        for (int b = 0; b < result.sequences().size(); b++) {
            GenerationResult.GeneratedSequence seq = result.sequences().get(b);
            choices.add(new JsonObject().put("index", b).put("text", seq.text())
                    .put("finish_reason", seq.generatedIds().contains(eos) ? "stop" : "length"));
        }
        ex.sse(new JsonObject().put("object", "denoise.done").put("steps", result.steps()).put("sampler", result.sampler())
                .put("seed", result.seed()).put("elapsed_ms", result.elapsedNanos() / 1e6).put("choices", choices));
        ex.sseDone();
    }

    private JsonObject stepEvent(DenoisingStep step, int promptLength, int mask, long start) {
        JsonArray rows = new JsonArray();
        for (int b = 0; b < step.canvas().size(); b++) {
            rows.add(canvasRow(step.canvas().get(b), promptLength, mask,
                    b < step.committed().size() ? step.committed().get(b) : List.of()));
        }
        return new JsonObject().put("object", "denoise.step").put("step", step.step()).put("total_steps", step.totalSteps())
                .put("masks_left", step.masksLeft()).put("elapsed_ms", (System.nanoTime() - start) / 1e6).put("rows", rows);
    }

    /** One canvas row: every id, each generated position's text ({@code null} while masked), the text with masks shown. */
    private JsonObject canvasRow(List<Integer> row, int promptLength, int mask, List<Integer> committed) {
        JsonArray tokens = new JsonArray();
        int[] generated = new int[Math.max(0, row.size() - promptLength)];
        for (int i = promptLength; i < row.size(); i++) {
            int id = row.get(i);
            generated[i - promptLength] = id;
            tokens.add(id == mask ? null : piece(id));
        }
        return new JsonObject().put("ids", new JsonArray(new ArrayList<>(row))).put("tokens", tokens)
                .put("text", model.tokenizer().decode(generated, false))
                .put("committed", new JsonArray(new ArrayList<>(committed)));
    }

    private String piece(int id) {
        return pieces.computeIfAbsent(id, k -> model.tokenizer().decode(new int[]{k}, false));
    }

    private static String id() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }
}
