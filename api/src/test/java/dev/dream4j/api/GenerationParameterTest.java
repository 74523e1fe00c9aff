package dev.dream4j.api;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerationParameterTest {

    private static GenerationRequest apply(String name, Object raw) {
        return GenerationParameter.of(name).apply(GenerationRequest.builder().prompt("x"), raw).build();
    }

    @Test
    void commandLineStringsAndJsonValuesSetTheSameField() {
        assertEquals(OptionalDouble.of(0.5), apply("top_p", "0.5").topP());
        assertEquals(OptionalDouble.of(0.5), apply("top_p", 0.5).topP());
        assertEquals(OptionalInt.of(0), apply("top_k", 0).topK(), "0 = no top-k filter, on every front end");
        assertEquals(7L, apply("seed", "7").seed().getAsLong());
        assertEquals(CacheMode.DUAL, apply("cache", "dual").cache().orElseThrow());
        assertEquals(true, apply("early_stop", "true").earlyStop().orElseThrow());
        assertEquals(OptionalDouble.of(1.5), apply("cfg_scale", 1.5).cfgScale());
        assertEquals(3, apply("num_return_sequences", 3L).numReturnSequences());
        GenerationRequest untouched = apply("temperature", null);
        assertTrue(untouched.temperature().isEmpty(), "null leaves the field unset");
    }

    @Test
    void rangesAndOpenEndsAreEnforcedWithOneMessage() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> apply("top_p", 0));
        assertEquals("top_p", e.parameter());
        assertEquals("top_p: top_p must be a number in (0, 1], got 0", e.getMessage());
        assertThrows(InvalidRequestException.class, () -> apply("eps", 1.0));
        assertThrows(InvalidRequestException.class, () -> apply("factor", 0));
        assertEquals("temperature: temperature must be a finite number >= 0, got 'hot'",
                assertThrows(InvalidRequestException.class, () -> apply("temperature", "hot")).getMessage());
        assertEquals("steps: steps must be an integer >= 1, got 0",
                assertThrows(InvalidRequestException.class, () -> apply("steps", 0)).getMessage());
        assertThrows(InvalidRequestException.class, () -> apply("seed", 1e40));
        assertThrows(InvalidRequestException.class, () -> apply("max_new_tokens", 3_000_000_000L), "beyond an int");
        assertEquals("cache", assertThrows(InvalidRequestException.class, () -> apply("cache", "triple")).parameter());
        assertEquals("sampler", assertThrows(InvalidRequestException.class, () -> apply("sampler", 42)).parameter());
    }

    @Test
    void namesAreUniqueSnakeCaseAndFoundByTheirFlag() {
        List<String> names = GenerationParameter.ALL.stream().map(GenerationParameter::name).toList();
        assertEquals(names.size(), new HashSet<>(names).size(), names.toString());
        for (GenerationParameter p : GenerationParameter.ALL) {
            assertTrue(p.name().matches("[a-z][a-z_]*"), p.name());
            assertEquals(p, GenerationParameter.named(p.flag()).orElseThrow());
            assertTrue(p.help().endsWith("(" + p.type().describe() + ")."), p.help());
        }
        assertEquals("--top-p", GenerationParameter.of("top_p").flag());
    }
}
