package dev.dream4j.spi;

/** The version of the plug-in contract. A plug-in built for another major version is refused. */
public final class SpiVersion {
    /** Incremented on incompatible changes of any interface in this module. */
    public static final int MAJOR = 3;
    /** Incremented on compatible additions. */
    public static final int MINOR = 0; // 2.0: DecoderRecipe + TensorMap replace WeightNames (ADR 0004);
                                        // 2.1: BackendProvider.unavailableReason()
                                        // 2.2: plug-in options (SamplerProvider/LogitsProcessorProvider.options(),
                                        //      SamplingParams.options())
                                        // 3.0: SlotSelector (SamplerProvider.selector), InfillStrategyProvider
                                        //      .defaultSampler(), MaskedLogits.greedy(); incompatible: InfillTask.sampler
                                        //      replaces .confidence and SamplingParams.greedy() is gone (the
                                        //      temperature processor marks greedy logits)

    private SpiVersion() {
    }

    public static String string() {
        return MAJOR + "." + MINOR;
    }
}
