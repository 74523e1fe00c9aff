package dev.dream4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dream4j.Dream4j;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.conformance.OptionProbeSamplerProvider;
import dev.dream4j.demo.DemoModel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.dream4j.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The plug-in option channel from the API and the CLI to {@code SamplingParams}, with the {@code option-probe} test
 * sampler (registered in this module's test {@code META-INF/services}): it commits the token its options name, so the
 * generated ids show what reached it.
 */
class PluginOptionsTest {
    private static final String[] GENERATE = {"generate", "--model", "demo", "--prompt-ids", "314,285", "--max-new-tokens", "4",
            "--steps", "2", "--temperature", "0", "--json", "--sampler", OptionProbeSamplerProvider.NAME};

    private static CliEndToEndTest.Run generate(String... options) {
        String[] args = new String[GENERATE.length + options.length];
        System.arraycopy(GENERATE, 0, args, 0, GENERATE.length);
        System.arraycopy(options, 0, args, GENERATE.length, options.length);
        return cli(args);
    }

    @Test
    void theApiReachesTheSamplerAndFillsDefaults() {
        try (DiffusionLM lm = Dream4j.builder().model(DemoModel.directory()).build()) {
            GenerationRequest.Builder b = GenerationRequest.builder().promptIds(List.of(314, 285)).maxNewTokens(4).steps(2)
                    .sampler(OptionProbeSamplerProvider.NAME);
            assertEquals(List.of(9, 9, 9, 9), lm.generate(b.option("token", 9).build()).first().generatedIds());
            assertEquals(List.of(10, 10, 10, 10), lm.generate(b.options(Map.of("shift", "true")).build()).first().generatedIds());
            var prepared = lm.prepare(b.option("shift", null).option("token", null).build());
            assertEquals(Map.of("token", 0L, "shift", false, "ratio", 0.5, "mode", "plain"), prepared.options());
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> lm.generate(b.option("margin", 0.2).build()));
            assertEquals("options.margin", e.parameter());
        }
    }

    @Test
    void optionOnTheCommandLineReachesTheSampler() throws Exception {
        CliEndToEndTest.Run r = generate("--option", "token=7", "--option", "shift=true");
        assertEquals(0, r.exit(), r.err());
        assertEquals("[8,8,8,8]", r.json().get("generated_ids").toString());
        CliEndToEndTest.Run defaults = generate("--option", "mode=fancy");
        assertEquals(0, defaults.exit(), defaults.err());
        assertEquals("[0,0,0,0]", defaults.json().get("generated_ids").toString(), "token's default 0");
    }

    @Test
    void badOptionsExitWithTwoNamingThePlugin() {
        CliEndToEndTest.Run unknown = generate("--option", "margin=0.2");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, unknown.exit());
        assertTrue(unknown.err().contains("options.margin") && unknown.err().contains("sampler 'option-probe' declares [token"),
                unknown.err());
        CliEndToEndTest.Run type = generate("--option", "shift=maybe");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, type.exit());
        assertTrue(type.err().contains("options.shift") && type.err().contains("a boolean, got 'maybe'"), type.err());
        CliEndToEndTest.Run range = generate("--option", "ratio=1.5");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, range.exit());
        assertTrue(range.err().contains("option 'ratio' of sampler 'option-probe' must be a number in [0, 1], got '1.5'"), range.err());
        CliEndToEndTest.Run choice = generate("--option", "mode=loud");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, choice.exit());
        assertTrue(choice.err().contains("one of [plain, fancy]"), choice.err());
        // another sampler declares none of them: the error says so instead of ignoring the option
        CliEndToEndTest.Run other = cli("generate", "--model", "demo", "--prompt", "x", "--max-new-tokens", "2", "--steps", "2",
                "--sampler", "entropy", "--option", "token=3");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, other.exit());
        assertTrue(other.err().contains("sampler 'entropy' declares none"), other.err());
        CliEndToEndTest.Run infill = cli("infill", "--model", "demo", "--prefix", "a", "--suffix", "b", "--option", "token=3");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, infill.exit());
        assertTrue(infill.err().contains("options.token"), infill.err());
    }

    @Test
    void pluginsListsTheDeclaredOptions() throws Exception {
        CliEndToEndTest.Run json = cli("plugins", "--json");
        assertEquals(0, json.exit(), json.err());
        JsonNode probe = null;
        for (JsonNode p : json.json()) {
            if (p.get("name").asText().equals(OptionProbeSamplerProvider.NAME)) {
                probe = p;
            }
            assertTrue(p.get("options").isArray(), "every plug-in has an options array: " + p);
        }
        assertTrue(probe != null, json.out());
        assertEquals("sampler", probe.get("kind").asText());
        JsonNode token = probe.get("options").get(0);
        assertEquals("token", token.get("name").asText());
        assertEquals("integer", token.get("type").asText());
        assertEquals(0, token.get("min").asLong());
        assertEquals(1_000_000, token.get("max").asLong());
        assertEquals(0, token.get("default").asLong());
        assertEquals("[\"plain\",\"fancy\"]", probe.get("options").get(3).get("choices").toString());
        CliEndToEndTest.Run plain = cli("plugins");
        assertTrue(plain.out().contains("--option ratio=NUMBER  a number in [0, 1], default 0.5: "), plain.out());
    }
}
