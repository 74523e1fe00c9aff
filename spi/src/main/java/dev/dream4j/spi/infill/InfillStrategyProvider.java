package dev.dream4j.spi.infill;

import dev.dream4j.spi.Plugin;
import dev.dream4j.spi.model.ModelDescription;

/** Makes infill strategies (DreamOn expand/delete, fixed-length masks). */
public interface InfillStrategyProvider extends Plugin {

    /** Whether the strategy can run on this model (DreamOn needs an expand token). */
    boolean supports(ModelDescription model);

    InfillStrategy create();
}
