package dev.dream4j.kernel.engine;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.InvalidRequestException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When requests run block decoding, and the guard rails. */
class BlockResolutionTest {
    private final RequestResolver resolver = new RequestResolver(DenoisingEngineTest.model());

    private ResolvedGeneration resolve(GenerationRequest r, OptionalInt samplerBlock) {
        return resolver.withBlocks(r, resolver.resolve(r, 4), samplerBlock);
    }

    private static GenerationRequest.Builder base() {
        return GenerationRequest.builder().promptIds(List.of(1, 2, 3, 4)).maxNewTokens(40).steps(40).sampler("entropy");
    }

    @Test
    void referenceRequestsStayUnblocked() {
        assertTrue(resolve(base().build(), OptionalInt.empty()).block().isEmpty());
        assertTrue(resolve(base().cache(CacheMode.NONE).build(), OptionalInt.empty()).block().isEmpty());
    }

    @Test
    void blockSamplerDefaultsAndOverrides() {
        BlockSettings s = resolve(base().build(), OptionalInt.of(32)).block().orElseThrow();
        assertEquals(32, s.blockLength());
        assertTrue(s.blockSampler());
        assertTrue(s.earlyStop(), "early stop is on by default for block samplers");
        assertEquals(CacheMode.NONE, s.cache());
        assertEquals(0.9, s.threshold());
        BlockSettings o = resolve(base().blockLength(8).cache(CacheMode.DUAL).threshold(0.7).factor(2).earlyStop(false).build(),
                OptionalInt.of(32)).block().orElseThrow();
        assertEquals(8, o.blockLength());
        assertEquals(CacheMode.DUAL, o.cache());
        assertEquals(0.7, o.threshold());
        assertEquals(2.0, o.factor());
        assertFalse(o.earlyStop());
        assertEquals(5, o.blocks(40));
    }

    @Test
    void dreamAlgorithmsInBlocksNeedTwoStepsPerBlock() {
        BlockSettings s = resolve(base().blockLength(10).build(), OptionalInt.empty()).block().orElseThrow();
        assertFalse(s.blockSampler());
        assertFalse(s.earlyStop(), "early stop is off by default for step-schedule samplers");
        assertEquals(4, s.blocks(40));
        resolve(base().blockLength(10).steps(8).build(), OptionalInt.empty());
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> resolve(base().blockLength(10).steps(7).build(), OptionalInt.empty()));
        assertTrue(e.getMessage().contains("at least 2 steps per block"), e.getMessage());
        // a cache alone turns block mode on, with the default block length of 32: 2 blocks over 40 tokens
        assertThrows(InvalidRequestException.class, () -> resolve(base().cache(CacheMode.PREFIX).steps(3).build(), OptionalInt.empty()));
    }

    @Test
    void badOptionsAreTypedErrors() {
        assertThrows(InvalidRequestException.class, () -> base().threshold(0).build());
        assertThrows(InvalidRequestException.class, () -> base().threshold(1.5).build());
        assertThrows(InvalidRequestException.class, () -> base().factor(-1).build());
        assertThrows(InvalidRequestException.class, () -> base().blockLength(0).build());
        assertThrows(InvalidRequestException.class, () -> CacheMode.parse("full"));
        assertEquals(CacheMode.DUAL, CacheMode.parse("Dual"));
        assertThrows(InvalidRequestException.class, () -> resolve(base().earlyStop(true).build(), OptionalInt.empty()));
    }
}
