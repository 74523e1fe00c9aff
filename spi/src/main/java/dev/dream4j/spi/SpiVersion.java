package dev.dream4j.spi;

/** The version of the plug-in contract. A plug-in built for another major version is refused. */
public final class SpiVersion {
    /** Incremented on incompatible changes of any interface in this module. */
    public static final int MAJOR = 2;
    /** Incremented on compatible additions. */
    public static final int MINOR = 2; // 2.0: DecoderRecipe + TensorMap replace WeightNames (ADR 0004);
                                        // 2.1: BackendProvider.unavailableReason()
                                        // 2.2: SlotSelector (SamplerProvider.selector), InfillStrategyProvider
                                        //      .defaultSampler(), MaskedLogits.greedy(); InfillTask.sampler
                                        //      replaces .confidence and SamplingParams.greedy() is gone
                                        //      (incompatible for infill strategies and samplers that read it)

    private SpiVersion() {
    }

    public static String string() {
        return MAJOR + "." + MINOR;
    }
}
