package dev.dream4j.conformance;

import dev.dream4j.api.OptionSpec;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.SamplerProvider;
import dev.dream4j.spi.sampling.SamplingParams;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepDecision;

import java.util.Arrays;
import java.util.List;

/**
 * {@code option-probe}: a test fixture for the plug-in option channel, not a sampler anyone would use. Its output
 * shows what reached {@link SamplingParams#options()}: every committed slot gets token {@code token + (shift ? 1 : 0)}
 * (modulo the vocabulary), so tests of the API, the CLI's {@code --option} and the server's {@code "options"} can read
 * the options back from the generated ids. It declares one option of each type. Positions follow Dream's schedule,
 * leftmost first, so a run ends without masks. Not registered as a service: a test that wants it registers it in its
 * own {@code META-INF/services}.
 */
public final class OptionProbeSamplerProvider implements SamplerProvider {
    /** The probe's name. */
    public static final String NAME = "option-probe";

    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer("token", 0, 1_000_000, 0, "the token id every committed slot gets"),
            OptionSpec.bool("shift", false, "add 1 to the token"),
            OptionSpec.number("ratio", 0, 1, 0.5, "accepted and ignored (a number option to validate)"),
            OptionSpec.string("mode", "plain", "accepted and ignored (a string option to validate)", "plain", "fancy"));

    /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
    public OptionProbeSamplerProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "test fixture: commits the token its options name";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    @Override
    public Sampler create(SamplingParams params) {
        long token = params.longOption("token") + (params.booleanOption("shift") ? 1 : 0);
        return (context, logits, random) -> {
            int k = Schedule.transferCount(Schedule.averageMasks(context.totalMasks(), context.batch()), context.info());
            int[] rows = new int[logits.rows()];
            int n = 0;
            for (int r = 0, taken = 0; r < logits.rows(); r++) {
                taken = r > 0 && logits.batchIndex(r) == logits.batchIndex(r - 1) ? taken : 0;
                if (taken++ < k) {
                    rows[n++] = r;
                }
            }
            int[] tokens = new int[n];
            Arrays.fill(tokens, (int) Math.floorMod(token, (long) logits.vocab()));
            return new StepDecision(Arrays.copyOf(rows, n), tokens);
        };
    }
}
