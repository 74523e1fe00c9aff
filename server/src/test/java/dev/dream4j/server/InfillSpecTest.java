package dev.dream4j.server;

import dev.dream4j.api.InfillRequest;
import dev.dream4j.api.Prompt;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code /v1/infill}'s body read into the API's request: every infill field, the API's defaults. */
class InfillSpecTest {

    @Test
    void defaultsAreTheApis() {
        InfillRequest fromServer = GenSpec.infill(Body.of(new JsonObject().put("prefix", "a").put("suffix", "b")));
        InfillRequest fromApi = InfillRequest.builder(fromServer.prefix(), fromServer.suffix()).build();
        assertEquals(fromApi.initialMasks(), fromServer.initialMasks());
        assertEquals(fromApi.maxNewTokens(), fromServer.maxNewTokens());
        assertEquals(OptionalInt.empty(), fromServer.steps());
    }

    @Test
    void everyInfillFieldIsAccepted() {
        InfillRequest r = GenSpec.infill(Body.of(new JsonObject().put("prefix", "a").put("suffix", "b")
                .put("initial_masks", 3).put("max_tokens", 9).put("strategy", "dreamon-eval").put("sampler", "entropy")
                .put("temperature", 0.5).put("top_p", 0.9).put("top_k", 7).put("alg_temp", 0.1).put("seed", 11)
                .put("tokens_per_step", 2).put("expand_budget", 1).put("pad_delete_to_right", true).put("steps", 5)));
        assertEquals(3, r.initialMasks());
        assertEquals(9, r.maxNewTokens());
        assertEquals("dreamon-eval", r.strategy().orElseThrow());
        assertEquals("entropy", r.sampler().orElseThrow());
        assertEquals(0.5, r.temperature().getAsDouble());
        assertEquals(0.9, r.topP().getAsDouble());
        assertEquals(7, r.topK().getAsInt());
        assertEquals(0.1, r.algTemp().getAsDouble());
        assertEquals(11L, r.seed().getAsLong());
        assertEquals(2, r.tokensPerStep().getAsInt());
        assertEquals(1, r.expandBudget().getAsInt());
        assertEquals(true, r.padDeleteToRight());
        assertEquals(5, r.steps().getAsInt());
    }

    @Test
    void theBodyMapsOntoEveryApiField() {
        JsonObject body = new JsonObject().put("prefix", new io.vertx.core.json.JsonArray().add(5).add(6)).put("suffix", "b")
                .put("initial_masks", 3).put("max_tokens", 9).put("strategy", "dreamon-eval").put("sampler", "maskgit_plus")
                .put("temperature", 0.5).put("top_p", 0.9).put("top_k", 7).put("alg_temp", 0.1).put("seed", 11)
                .put("tokens_per_step", 2).put("expand_budget", 1).put("pad_delete_to_right", true).put("steps", 5);
        InfillRequest expected = InfillRequest.builder(Prompt.tokens(List.of(5, 6)), Prompt.text("b")).initialMasks(3)
                .maxNewTokens(9).strategy("dreamon-eval").sampler("maskgit_plus").temperature(0.5).topP(0.9).topK(7)
                .algTemp(0.1).seed(11).tokensPerStep(2).expandBudget(1).padDeleteToRight(true).steps(5).build();
        assertEquals(expected, GenSpec.infill(Body.of(body)));
        // a field the API gains must be read here too: extend the body above and this count
        assertEquals(15, InfillRequest.class.getRecordComponents().length, "InfillRequest has a field /v1/infill does not read");
    }

    @Test
    void prefixAndSuffixMayBeTokenIds() {
        InfillRequest r = GenSpec.infill(Body.of(new JsonObject().put("prefix", new io.vertx.core.json.JsonArray().add(1).add(2))
                .put("suffix", new io.vertx.core.json.JsonArray().add(3))));
        assertEquals(Prompt.tokens(List.of(1, 2)), r.prefix());
        assertEquals(Prompt.tokens(List.of(3)), r.suffix());
        ApiException bad = assertThrows(ApiException.class, () -> GenSpec.infill(Body.of(new JsonObject()
                .put("prefix", "a").put("suffix", new io.vertx.core.json.JsonArray().add(-1)))));
        assertEquals("suffix", bad.param());
        ApiException wrong = assertThrows(ApiException.class, () -> GenSpec.infill(Body.of(new JsonObject().put("prefix", 3))));
        assertEquals("prefix", wrong.param());
    }

    @Test
    void manyInitialMasksRaiseTheDefaultMiddleAsTheApiDoes() {
        InfillRequest server = GenSpec.infill(Body.of(new JsonObject().put("prefix", "a").put("initial_masks", 70)));
        InfillRequest api = InfillRequest.builder(Prompt.text("a"), Prompt.text("")).initialMasks(70).build();
        assertEquals(70, api.maxNewTokens());
        assertEquals(api.maxNewTokens(), server.maxNewTokens());
    }

    @Test
    void theReferencesAlgIsRefusedPointingAtSampler() {
        ApiException e = assertThrows(ApiException.class,
                () -> GenSpec.infill(Body.of(new JsonObject().put("suffix", "b").put("alg", "entropy"))));
        assertEquals("alg", e.param());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("sampler"), e.getMessage());
    }

    @Test
    void grpcInfillCarriesSteps() {
        var msg = dev.dream4j.server.grpc.InfillRequest.newBuilder().setSuffix("b").setSampler("entropy").setSteps(7).build();
        InfillRequest r = GenSpec.infill(Body.of(GrpcService.json(msg)));
        assertEquals(7, r.steps().getAsInt());
        assertEquals("entropy", r.sampler().orElseThrow());
    }

    @Test
    void aBlankSamplerNamesTheField() {
        ApiException e = assertThrows(ApiException.class,
                () -> GenSpec.infill(Body.of(new JsonObject().put("suffix", "b").put("sampler", " "))));
        assertEquals("sampler", e.param());
    }

    @Test
    void aBadStepCountNamesTheField() {
        ApiException e = assertThrows(ApiException.class,
                () -> GenSpec.infill(Body.of(new JsonObject().put("suffix", "b").put("steps", 0))));
        assertEquals("steps", e.param());
    }
}
