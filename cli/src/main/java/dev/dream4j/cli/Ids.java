package dev.dream4j.cli;

import dev.dream4j.api.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;

/** Parses comma-separated token ids ({@code 1,2,3}). */
final class Ids {
    private Ids() {
    }

    static List<Integer> parse(String option, String text) {
        List<Integer> ids = new ArrayList<>();
        if (text.isBlank()) {
            return ids;
        }
        for (String part : text.split(",", OptionLimits.MAX_IDS + 1)) {
            if (ids.size() == OptionLimits.MAX_IDS) {
                throw new InvalidRequestException(option, "more than " + OptionLimits.MAX_IDS + " token ids");
            }
            String s = part.strip();
            try {
                ids.add(Integer.parseInt(s));
            } catch (NumberFormatException e) {
                throw new InvalidRequestException(option, "'" + s + "' is not a token id (expected comma-separated integers)");
            }
        }
        return ids;
    }

    static int[] parseArray(String option, String text) {
        return parse(option, text).stream().mapToInt(Integer::intValue).toArray();
    }
}
