package dev.dream4j.server;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * {@code POST /v1/completions} or {@code POST /v1/chat/completions} (one instance each; they differ only in the
 * prompt field and the answer's shape), over HTTP with or without SSE, and gRPC.
 */
final class CompletionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CompletionHandler.class);

    private final EndpointSupport support;
    private final ServerContext ctx;
    private final GenSpec.Kind kind;
    private final boolean chat;
    private final String endpoint;

    CompletionHandler(EndpointSupport support, GenSpec.Kind kind) {
        if (kind == GenSpec.Kind.DENOISE) {
            throw new IllegalArgumentException("denoise streams are answered by DenoiseHandler");
        }
        this.support = support;
        this.ctx = support.ctx();
        this.kind = kind;
        this.chat = kind == GenSpec.Kind.CHAT;
        this.endpoint = chat ? "/v1/chat/completions" : "/v1/completions";
    }

    void handle(RoutingContext rc) {
        support.accept(rc, endpoint, kind.name(), body -> GenSpec.read(body, kind, ctx.config()), (ex, spec) -> run(ex, spec, endpoint));
    }

    /** Runs a parsed request on the worker pool, answering through {@code ex} (HTTP or gRPC). */
    void run(Exchange ex, GenSpec spec, String endpoint) {
        support.submit(endpoint, ex, EndpointSupport.promptField(spec.request()), () -> complete(ex, spec));
    }

    private void complete(Exchange ex, GenSpec spec) {
        // A drawn seed is fixed here, so that it can be reported even when the loop stops early.
        // prepare draws the seed when the request has none, so it can be reported even when the loop stops early
        EndpointSupport.Prepared prep = support.prepare(spec.request(), chat ? "messages" : "prompt");
        GenerationRequest request = prep.request();
        String id = (chat ? "chatcmpl-" : "cmpl-") + EndpointSupport.id();
        long createdAt = System.currentTimeMillis() / 1000;
        String object = chat ? (spec.stream() ? "chat.completion.chunk" : "chat.completion") : "text_completion";
        int n = request.numReturnSequences();
        int rows = prep.promptIds().size() * n;
        int eos = support.eosId();
        SettledText settled = support.settledText(rows, prep.promptLength(), spec.stop());
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
        GenerationResult result = ctx.model().generate(prep.run(), support.guard(ex, inner, 0));
        int stepsRun = result.steps();
        if (result.stopped()) {
            result = null; // every row's text is final: the settled text below is the answer
        }
        ctx.metrics().generatedTokens((long) rows * (prep.canvasLength() - prep.promptLength()));

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
        JsonObject extra = new JsonObject().put("steps", stepsRun).put("total_steps", prep.totalSteps())
                .put("sampler", prep.sampler()).put("seed", request.seed().getAsLong())
                .put("elapsed_ms", (System.nanoTime() - t0) / 1e6).put("stopped_early", result == null);
        if (spec.stream()) {
            ex.sse(chunk(id, object, createdAt, choices).put("dream4j", extra));
            if (spec.includeUsage()) {
                ex.sse(chunk(id, object, createdAt, new JsonArray()).put("usage", usage));
            }
            ex.sseDone();
        } else {
            ex.json(200, new JsonObject().put("id", id).put("object", object).put("created", createdAt)
                    .put("model", ctx.config().modelName()).put("choices", choices).put("usage", usage).put("dream4j", extra));
        }
    }

    private JsonObject chunk(String id, String object, long createdAt, JsonArray choices) {
        return new JsonObject().put("id", id).put("object", object).put("created", createdAt)
                .put("model", ctx.config().modelName()).put("choices", choices);
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
}
