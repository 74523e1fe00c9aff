package dev.dream4j.spi.infill;

import dev.dream4j.api.InfillResult;

/** Fills a hole between prefix and suffix, with a canvas that may change length. */
public interface InfillStrategy {

    InfillResult infill(InfillTask task);
}
