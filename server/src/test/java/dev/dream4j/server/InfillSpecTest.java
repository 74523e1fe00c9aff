package dev.dream4j.server;

import dev.dream4j.api.InfillRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

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
    void aBadStepCountNamesTheField() {
        ApiException e = assertThrows(ApiException.class,
                () -> GenSpec.infill(Body.of(new JsonObject().put("suffix", "b").put("steps", 0))));
        assertEquals("steps", e.param());
    }
}
