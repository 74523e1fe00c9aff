/** DreamOn variable-length infilling, and fixed-length infilling for checkpoints without an expand token. */
module dev.dream4j.infill.dreamon {
    requires dev.dream4j.spi;

    provides dev.dream4j.spi.infill.InfillStrategyProvider with
            dev.dream4j.infill.dreamon.DreamOnInfillProvider,
            dev.dream4j.infill.dreamon.DreamOnEvalInfillProvider,
            dev.dream4j.infill.dreamon.FixedInfillProvider;
}
