package dev.dream4j.kernel.engine;

import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.model.GenerationDefaults;
import dev.dream4j.spi.model.ModelDescription;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestResolverTest {

    static ModelDescription withDefaults(GenerationDefaults d) {
        ModelDescription m = DenoisingEngineTest.model();
        return new ModelDescription(m.family(), m.spec(), m.recipe(), m.tensors(), m.tokens(), 1, d, m.contextLength());
    }

    static GenerationRequest.Builder req() {
        return GenerationRequest.builder().promptIds(List.of(1, 2));
    }

    @Test
    void maxNewTokensWinsOverMaxLength() {
        var r = new RequestResolver(DenoisingEngineTest.model()).resolve(req().sampler("entropy").maxNewTokens(10).maxLength(5).seed(1).build(), 2);
        assertEquals(12, r.canvasLength());
    }

    @Test
    void neutralFallbacksWhenNeitherRequestNorFamilySetAnything() {
        // the kernel holds no family's defaults: a family that declares no sampler makes the request name one
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> new RequestResolver(DenoisingEngineTest.model()).resolve(req().seed(3).build(), 2));
        assertEquals("sampler", e.parameter());
        var r = new RequestResolver(DenoisingEngineTest.model()).resolve(req().sampler("entropy").seed(3).build(), 2);
        assertEquals(22, r.canvasLength(), "transformers' max_length 20 convention");
        assertEquals(20, r.params().steps(), "one step per new token");
        assertEquals(0.0, r.params().temperature());
        assertEquals(1e-3, r.params().eps());
        assertTrue(r.params().topK().isEmpty());
        assertEquals(3, r.seed());
    }

    @Test
    void topKZeroOverridesAFamilyDefaultTopK() {
        GenerationDefaults d = new GenerationDefaults(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
                Optional.of("entropy"), OptionalDouble.empty(), OptionalDouble.empty(), OptionalInt.of(50),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.empty());
        assertEquals(50, new RequestResolver(withDefaults(d)).resolve(req().build(), 2).params().topK().orElseThrow());
        assertTrue(new RequestResolver(withDefaults(d)).resolve(req().topK(0).build(), 2).params().topK().isEmpty());
    }

    @Test
    void checkpointDefaultsFillTheGaps() {
        GenerationDefaults d = new GenerationDefaults(OptionalInt.of(16), OptionalInt.empty(), OptionalInt.of(8),
                Optional.of("entropy"), OptionalDouble.of(0.2), OptionalDouble.of(0.9), OptionalInt.empty(),
                OptionalDouble.empty(), OptionalDouble.empty(), OptionalDouble.of(3.0));
        var r = new RequestResolver(withDefaults(d)).resolve(req().temperature(0.5).build(), 2);
        assertEquals(18, r.canvasLength());
        assertEquals(8, r.params().steps());
        assertEquals("entropy", r.sampler());
        assertEquals(0.5, r.params().temperature());
        assertEquals(0.9, r.params().topP().orElseThrow());
        assertEquals(3.0, r.params().padPenalty());
    }

    @Test
    void promptFillingTheCanvasIsAnError() {
        var e = assertThrows(InvalidRequestException.class,
                () -> new RequestResolver(DenoisingEngineTest.model()).resolve(req().maxLength(2).build(), 2));
        assertEquals("max_length", e.parameter());
    }

    @Test
    void beyondTheContextIsAnError() {
        var e = assertThrows(InvalidRequestException.class,
                () -> new RequestResolver(DenoisingEngineTest.model()).resolve(req().maxNewTokens(63).build(), 2));
        assertEquals("max_new_tokens", e.parameter());
    }

    @Test
    void requestValidationNamesTheParameter() {
        assertEquals("temperature", assertThrows(InvalidRequestException.class, () -> req().temperature(-1).build()).parameter());
        assertEquals("top_p", assertThrows(InvalidRequestException.class, () -> req().topP(0).build()).parameter());
        assertEquals("top_p", assertThrows(InvalidRequestException.class, () -> req().topP(1.5).build()).parameter());
        assertEquals("steps", assertThrows(InvalidRequestException.class, () -> req().steps(0).build()).parameter());
        assertEquals("max_new_tokens", assertThrows(InvalidRequestException.class, () -> req().maxNewTokens(0).build()).parameter());
        assertEquals("prompt", assertThrows(InvalidRequestException.class, () -> GenerationRequest.builder().build()).parameter());
    }

    private static GenerationDefaults defaults(OptionalInt steps, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
                                              OptionalDouble eps, OptionalDouble padPenalty) {
        return new GenerationDefaults(OptionalInt.of(8), OptionalInt.empty(), steps, Optional.empty(), temperature, topP,
                topK, OptionalDouble.empty(), eps, padPenalty);
    }

    @Test
    void badCheckpointDefaultsNameTheFileAndFieldWhenARequestUsesThem() {
        OptionalInt noInt = OptionalInt.empty();
        OptionalDouble no = OptionalDouble.empty();
        List<GenerationDefaults> bad = List.of(
                defaults(noInt, OptionalDouble.of(-1), no, noInt, no, no),
                defaults(noInt, no, OptionalDouble.of(0), noInt, no, no),
                defaults(noInt, no, OptionalDouble.of(2), noInt, no, no),
                defaults(noInt, no, no, OptionalInt.of(-3), no, no),
                defaults(noInt, no, no, noInt, OptionalDouble.of(0), no),
                defaults(noInt, no, no, noInt, OptionalDouble.of(1), no),
                defaults(noInt, no, no, noInt, no, OptionalDouble.of(-1)),
                defaults(OptionalInt.of(0), no, no, noInt, no, no),
                defaults(OptionalInt.of(1_000_000), no, no, noInt, no, no));
        List<String> fields = List.of("temperature", "top_p", "top_p", "top_k", "eps", "eps", "pad_penalty", "steps", "steps");
        for (int i = 0; i < bad.size(); i++) {
            RequestResolver r = new RequestResolver(withDefaults(bad.get(i)));
            var e = assertThrows(InvalidRequestException.class, () -> r.resolve(req().sampler("entropy").seed(1).build(), 2), fields.get(i));
            assertEquals(fields.get(i), e.parameter());
            assertTrue(e.getMessage().contains("generation_config.json"), e.getMessage());
        }
        // a request that sets the field overrides the bad default
        RequestResolver r = new RequestResolver(withDefaults(bad.get(0)));
        assertEquals(0.5, r.resolve(req().sampler("entropy").temperature(0.5).seed(1).build(), 2).params().temperature());
        // top_k 0 in generation_config.json means no top-k, as in transformers
        assertTrue(new RequestResolver(withDefaults(defaults(noInt, no, no, OptionalInt.of(0), no, no)))
                .resolve(req().sampler("entropy").seed(1).build(), 2).params().topK().isEmpty());
    }

    private static final List<RequestResolver.OptionOwner> OWNERS = List.of(
            new RequestResolver.OptionOwner("sampler 'probe'", List.of(
                    dev.dream4j.api.OptionSpec.number("margin", 0, 1, 0.25, "m"),
                    dev.dream4j.api.OptionSpec.bool("loud", false, "l"))),
            new RequestResolver.OptionOwner("logits processor 'penalty'", List.of(
                    dev.dream4j.api.OptionSpec.integer("window", 1, 8, 4, "w"))),
            new RequestResolver.OptionOwner("logits processor 'plain'", List.of()));

    @Test
    void pluginOptionsAreTypedAndEveryDeclaredOneGetsItsDefault() {
        var typed = RequestResolver.options(java.util.Map.of("margin", "0.5", "window", 2), OWNERS);
        assertEquals(java.util.Map.of("margin", 0.5, "loud", false, "window", 2L), typed);
        assertEquals(java.util.Map.of("margin", 0.25, "loud", false, "window", 4L), RequestResolver.options(java.util.Map.of(), OWNERS));
    }

    @Test
    void anUndeclaredOptionNamesTheSelectedPluginsAndWhatTheyDeclare() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> RequestResolver.options(java.util.Map.of("margn", 0.5), OWNERS));
        assertEquals("options.margn", e.parameter());
        assertTrue(e.getMessage().contains("sampler 'probe' declares [margin (a number in [0, 1]), loud (a boolean)]")
                && e.getMessage().contains("logits processor 'penalty' declares [window")
                && e.getMessage().contains("logits processor 'plain' declares none"), e.getMessage());
    }

    @Test
    void wrongTypesAndRangesAreRefusedNamingTheOption() {
        InvalidRequestException range = assertThrows(InvalidRequestException.class,
                () -> RequestResolver.options(java.util.Map.of("window", 9), OWNERS));
        assertEquals("options.window", range.parameter());
        assertTrue(range.getMessage().contains("logits processor 'penalty'") && range.getMessage().contains("[1, 8]"), range.getMessage());
        InvalidRequestException type = assertThrows(InvalidRequestException.class,
                () -> RequestResolver.options(java.util.Map.of("loud", "maybe"), OWNERS));
        assertEquals("options.loud", type.parameter());
    }

    @Test
    void aNameTwoPluginsDeclareMustSuitBoth() {
        List<RequestResolver.OptionOwner> shared = List.of(
                new RequestResolver.OptionOwner("sampler 'a'", List.of(dev.dream4j.api.OptionSpec.number("x", 0, 10, 1, "x"))),
                new RequestResolver.OptionOwner("logits processor 'b'", List.of(dev.dream4j.api.OptionSpec.number("x", 0, 2, 1, "x"))));
        assertEquals(1.5, RequestResolver.options(java.util.Map.of("x", 1.5), shared).get("x"));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> RequestResolver.options(java.util.Map.of("x", 5), shared));
        assertTrue(e.getMessage().contains("logits processor 'b'"), e.getMessage());
    }
}
