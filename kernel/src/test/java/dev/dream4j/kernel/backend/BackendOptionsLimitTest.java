package dev.dream4j.kernel.backend;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.backend.BackendOptions;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API caps backend threads as the CLI does: 100,000 threads is a typed error, not 11,000 started threads. */
class BackendOptionsLimitTest {

    @Test
    void threadCountsOutsideTheCapAreTypedErrors() {
        int max = BackendOptions.maxThreads();
        assertEquals(max, new BackendOptions(OptionalInt.of(max), Optional.empty(), Map.of()).threadsOrAvailable());
        for (int bad : new int[]{0, -1, max + 1, 100_000}) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> new BackendOptions(OptionalInt.of(bad), Optional.empty(), Map.of()));
            assertEquals("threads", e.parameter());
            assertTrue(e.getMessage().contains(String.valueOf(bad)), e.getMessage());
        }
    }
}
