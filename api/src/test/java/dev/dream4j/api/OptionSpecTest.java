package dev.dream4j.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OptionSpecTest {
    private static final String PLUGIN = "sampler 'demo'";

    @Test
    void commandLineStringsJsonValuesAndJavaValuesGiveTheSameTypedValue() {
        OptionSpec margin = OptionSpec.number("margin", 0, 1, 0.25, "a margin");
        assertEquals(0.5, margin.parse(PLUGIN, "0.5"));
        assertEquals(0.5, margin.parse(PLUGIN, 0.5));
        assertEquals(1.0, margin.parse(PLUGIN, 1), "a JSON integer is a number too");
        OptionSpec count = OptionSpec.integer("count", 1, 10, 3, "a count");
        assertEquals(7L, count.parse(PLUGIN, "7"));
        assertEquals(7L, count.parse(PLUGIN, 7));
        assertEquals(7L, count.parse(PLUGIN, 7.0), "a JSON client may write 7.0");
        OptionSpec flag = OptionSpec.bool("flag", false, "a flag");
        assertEquals(true, flag.parse(PLUGIN, "TRUE"));
        assertEquals(false, flag.parse(PLUGIN, false));
        OptionSpec mode = OptionSpec.string("mode", "a", "a mode", "a", "b");
        assertEquals("b", mode.parse(PLUGIN, "b"));
    }

    @Test
    void wrongTypeAndOutOfRangeNameTheParameterThePluginTheRangeAndTheValue() {
        OptionSpec margin = OptionSpec.number("margin", 0, 1, 0.25, "a margin");
        InvalidRequestException range = assertThrows(InvalidRequestException.class, () -> margin.parse(PLUGIN, "1.5"));
        assertEquals("options.margin", range.parameter());
        assertTrue(range.getMessage().contains("sampler 'demo'") && range.getMessage().contains("[0, 1]")
                && range.getMessage().contains("'1.5'"), range.getMessage());
        InvalidRequestException type = assertThrows(InvalidRequestException.class, () -> margin.parse(PLUGIN, true));
        assertEquals("options.margin", type.parameter());
        assertTrue(type.getMessage().contains("got true"), type.getMessage());
        for (Object bad : List.of("NaN", "Infinity", "abc", "")) {
            assertThrows(InvalidRequestException.class, () -> margin.parse(PLUGIN, bad), String.valueOf(bad));
        }
        OptionSpec count = OptionSpec.integer("count", 1, 10, 3, "a count");
        assertThrows(InvalidRequestException.class, () -> count.parse(PLUGIN, 2.5));
        assertThrows(InvalidRequestException.class, () -> count.parse(PLUGIN, "11"));
        assertThrows(InvalidRequestException.class, () -> OptionSpec.bool("flag", false, "").parse(PLUGIN, "yes"));
        InvalidRequestException choice = assertThrows(InvalidRequestException.class,
                () -> OptionSpec.string("mode", "a", "", "a", "b").parse(PLUGIN, "c"));
        assertTrue(choice.getMessage().contains("one of [a, b]"), choice.getMessage());
    }

    @Test
    void badDeclarationsAreRefused() {
        assertThrows(Dream4jException.class, () -> OptionSpec.number("Margin", 0, 1, 0, ""), "upper case");
        assertThrows(Dream4jException.class, () -> OptionSpec.number("my margin", 0, 1, 0, ""), "space");
        assertThrows(Dream4jException.class, () -> OptionSpec.number("margin", 0, 1, 2, ""), "default out of range");
        assertThrows(Dream4jException.class, () -> OptionSpec.number("margin", 1, 0, 0.5, ""), "empty range");
        assertThrows(Dream4jException.class, () -> OptionSpec.string("mode", "c", "", "a", "b"), "default not a choice");
        assertEquals(3L, OptionSpec.integer("count", 1, 10, 3, "").defaultValue(), "defaults are typed like values");
    }

    @Test
    void requestsCarryRawOptionsSortedAndRefuseValuesOfNoOptionType() {
        GenerationRequest r = GenerationRequest.builder().prompt("x").option("b", "1").option("a", 0.5).option("c", null).build();
        assertEquals(List.of("a", "b"), List.copyOf(r.options().keySet()));
        assertEquals(r.options(), r.toBuilder().build().options());
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> GenerationRequest.builder().prompt("x").options(Map.of("list", List.of(1))).build());
        assertEquals("options.list", e.parameter());
    }
}
