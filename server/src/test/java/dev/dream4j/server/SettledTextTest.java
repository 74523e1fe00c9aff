package dev.dream4j.server;

import dev.dream4j.api.TextTokenizer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Settled-prefix streaming with the demo model's real tokenizer. */
class SettledTextTest {
    private static final int MASK = 2045;
    private static final int EOS = 2041;

    private static List<Integer> canvas(int[] prompt, int[] generated, int committed, int length) {
        List<Integer> row = new ArrayList<>();
        for (int id : prompt) {
            row.add(id);
        }
        for (int i = 0; i < length; i++) {
            row.add(i < committed && i < generated.length ? generated[i] : (i < committed ? EOS : MASK));
        }
        return row;
    }

    @Test
    void onlyTheMaskFreePrefixIsSentAndTheDeltasAddUpToTheText() {
        TextTokenizer tok = TestSupport.model();
        int[] prompt = ids(tok.encode("def f(x):"));
        String expected = "\n    return x * 2  # double it";
        int[] gen = ids(tok.encode(expected));
        SettledText s = new SettledText(tok, 1, prompt.length, MASK, EOS, List.of());
        // A later position committed first settles nothing.
        List<Integer> row = canvas(prompt, gen, 0, gen.length + 4);
        row.set(prompt.length + 3, gen[3]);
        assertEquals("", s.advance(0, row));
        StringBuilder sent = new StringBuilder();
        for (int k = 1; k <= gen.length; k++) {
            sent.append(s.advance(0, canvas(prompt, gen, k, gen.length + 4)));
            assertEquals(tok.decode(java.util.Arrays.stream(gen, 0, k).boxed().toList(), true).replaceAll("\uFFFD+$", ""), sent.toString());
        }
        assertFalse(s.allFinal());
        sent.append(s.advance(0, canvas(prompt, gen, gen.length + 1, gen.length + 4)));
        assertTrue(s.allFinal(), "end-of-text settled: the text is final");
        assertEquals(expected, sent.toString());
        assertEquals(gen.length, s.tokens(0));
        assertEquals("", s.finish(0, expected));
    }

    @Test
    void aPossibleStopStringIsHeldBackAndNeverSent() {
        TextTokenizer tok = TestSupport.model();
        int[] prompt = ids(tok.encode("x = 1"));
        String text = "\ny = 2\ndef g():\n    pass";
        int[] gen = ids(tok.encode(text));
        SettledText s = new SettledText(tok, 1, prompt.length, MASK, EOS, List.of("\ndef"));
        StringBuilder sent = new StringBuilder();
        for (int k = 1; k <= gen.length && !s.allFinal(); k++) {
            sent.append(s.advance(0, canvas(prompt, gen, k, gen.length + 2)));
            assertFalse(sent.toString().contains("\nd"), "sent part of the stop string: " + sent);
        }
        assertTrue(s.allFinal());
        assertEquals("\ny = 2", sent.toString());
    }

    private static int[] ids(List<Integer> ids) {
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }
}
