package dev.dream4j.server;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.GenerationResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /v1/denoise}: an SSE stream of the whole canvas at every step (the playground's view of the loop), then
 * the result.
 */
final class DenoiseHandler {
    static final String ENDPOINT = "/v1/denoise";

    private final EndpointSupport support;
    private final ServerContext ctx;

    DenoiseHandler(EndpointSupport support) {
        this.support = support;
        this.ctx = support.ctx();
    }

    void handle(RoutingContext rc) {
        support.accept(rc, ENDPOINT, GenSpec.Kind.DENOISE.name(), body -> GenSpec.read(body, GenSpec.Kind.DENOISE, ctx.config()),
                (ex, spec) -> run(ex, spec, ENDPOINT));
    }

    /** Runs a parsed request on the worker pool, answering through {@code ex} (HTTP or gRPC). */
    void run(Exchange ex, GenSpec spec, String endpoint) {
        support.submit(endpoint, ex, EndpointSupport.promptField(spec.request()), () -> denoise(ex, spec));
    }

    private void denoise(Exchange ex, GenSpec spec) {
        EndpointSupport.Prepared prep = support.prepare(spec.request(), EndpointSupport.promptField(spec.request()));
        int promptLength = prep.promptLength();
        int canvasLength = prep.canvasLength();
        int mask = support.maskId();
        int eos = support.eosId();
        int rows = prep.request().numReturnSequences();
        int totalSteps = prep.totalSteps();
        int[] prompt = prep.promptIds().getFirst();
        ex.sseStart();
        JsonArray startRows = new JsonArray();
        for (List<Integer> row : prep.run().initialCanvas()) {
            startRows.add(canvasRow(row, promptLength, mask, List.of()));
        }
        ex.sse(new JsonObject().put("object", "denoise.start").put("model", ctx.config().modelName())
                .put("prompt_length", promptLength).put("canvas_length", canvasLength).put("total_steps", totalSteps)
                .put("mask_id", mask).put("eos_id", eos).put("prompt_text", support.decode(prompt))
                .put("sampler", prep.sampler()).put("rows", startRows));
        long start = System.nanoTime();
        DenoisingListener inner = step -> {
            ex.sse(stepEvent(step, promptLength, mask, start));
            return DenoisingListener.Decision.CONTINUE;
        };
        GenerationResult result = ctx.model().generate(prep.run(), support.guard(ex, inner, spec.stepDelayMs()));
        ctx.metrics().generatedTokens((long) rows * (canvasLength - promptLength));
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
            tokens.add(id == mask ? null : support.piece(id));
        }
        return new JsonObject().put("ids", new JsonArray(new ArrayList<>(row))).put("tokens", tokens)
                .put("text", support.decode(generated))
                .put("committed", new JsonArray(new ArrayList<>(committed)));
    }
}
