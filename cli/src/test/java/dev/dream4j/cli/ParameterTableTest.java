package dev.dream4j.cli;

import dev.dream4j.api.GenerationParameter;
import org.junit.jupiter.api.Test;

import static dev.dream4j.cli.CliEndToEndTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The built-in request fields: help text and checks of the CLI come from the table the server uses. */
class ParameterTableTest {

    @Test
    void helpTakesDescriptionTypeAndRangeFromTheTable() {
        CliEndToEndTest.Run help = cli("help", "generate");
        assertEquals(0, help.exit(), help.err());
        String text = help.out().replaceAll("\\s+", " ");
        for (String name : new String[]{"top_p", "eps", "cfg_scale", "block_length", "seed"}) {
            String expected = GenerationParameter.of(name).help().replaceAll("\\s+", " ");
            assertTrue(text.contains(expected), name + " missing from help: " + expected + "\n" + help.out());
        }
        CliEndToEndTest.Run infill = cli("help", "infill");
        assertTrue(infill.out().replaceAll("\\s+", " ").contains(GenerationParameter.of("temperature").help()), infill.out());
    }

    @Test
    void outOfRangeValuesGetTheTablesMessage() {
        CliEndToEndTest.Run r = cli("generate", "--model", "demo", "--prompt", "x", "--top-p", "1.5");
        assertEquals(Dream4jCli.EXIT_BAD_INPUT, r.exit());
        assertEquals("error: top_p: top_p must be a number in (0, 1], got 1.5", r.err().strip());
        CliEndToEndTest.Run cache = cli("generate", "--model", "demo", "--prompt", "x", "--cache", "triple");
        assertTrue(cache.err().contains("cache must be one of [none, prefix, dual], got 'triple'"), cache.err());
        CliEndToEndTest.Run cfg = cli("generate", "--model", "demo", "--prompt", "x", "--cfg-scale", "-1");
        assertTrue(cfg.err().contains("cfg_scale must be a finite number >= 0, got -1.0"), cfg.err());
    }
}
