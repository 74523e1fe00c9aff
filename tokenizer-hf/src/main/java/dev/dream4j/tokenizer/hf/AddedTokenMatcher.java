package dev.dream4j.tokenizer.hf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds added tokens in text, leftmost-longest as Hugging Face's added vocabulary does, honouring lstrip, rstrip
 * and single_word.
 */
final class AddedTokenMatcher {

    /** A match: the span [start, end) (whitespace taken by lstrip/rstrip included) stands for {@code id}. */
    record Match(int start, int end, int id) {
    }

    private final Map<Character, AddedToken[]> byFirstChar = new HashMap<>();
    private final boolean[] firstChars = new boolean[0x10000];

    private AddedTokenMatcher(List<AddedToken> tokens, boolean normalize) {
        Map<Character, List<AddedToken>> lists = new HashMap<>();
        for (AddedToken t : tokens) {
            String c = normalize ? java.text.Normalizer.normalize(t.content(), java.text.Normalizer.Form.NFC) : t.content();
            if (c.isEmpty()) {
                continue;
            }
            AddedToken n = new AddedToken(t.id(), c, t.special(), t.lstrip(), t.rstrip(), t.normalized(), t.singleWord());
            lists.computeIfAbsent(c.charAt(0), k -> new ArrayList<>()).add(n);
            firstChars[c.charAt(0)] = true;
        }
        lists.forEach((k, v) -> {
            v.sort(Comparator.comparingInt((AddedToken t) -> t.content().length()).reversed());
            byFirstChar.put(k, v.toArray(AddedToken[]::new));
        });
    }

    /** A matcher for the tokens whose {@code normalized} flag equals {@code normalized}, or null when none. */
    static AddedTokenMatcher of(List<AddedToken> all, boolean normalized, boolean nfc) {
        List<AddedToken> sel = all.stream().filter(t -> t.normalized() == normalized).toList();
        return sel.isEmpty() ? null : new AddedTokenMatcher(sel, normalized && nfc);
    }

    private static boolean isWordChar(int cp) {
        return Character.isLetterOrDigit(cp) || cp == '_';
    }

    /** The matches in {@code text}, in order, non-overlapping. */
    List<Match> find(String text) {
        List<Match> out = null;
        int n = text.length();
        int floor = 0; // lstrip may not reach into the previous match
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (!firstChars[c]) {
                continue;
            }
            AddedToken hit = null;
            for (AddedToken t : byFirstChar.get(c)) {
                String s = t.content();
                if (text.startsWith(s, i)) {
                    if (t.singleWord()) {
                        boolean before = i > 0 && isWordChar(text.codePointBefore(i));
                        boolean after = i + s.length() < n && isWordChar(text.codePointAt(i + s.length()));
                        if (before || after) {
                            continue;
                        }
                    }
                    hit = t;
                    break;
                }
            }
            if (hit == null) {
                continue;
            }
            int start = i;
            int end = i + hit.content().length();
            if (hit.lstrip()) {
                while (start > floor && Character.isWhitespace(text.charAt(start - 1))) {
                    start--;
                }
            }
            if (hit.rstrip()) {
                while (end < n && Character.isWhitespace(text.charAt(end))) {
                    end++;
                }
            }
            if (out == null) {
                out = new ArrayList<>();
            }
            out.add(new Match(start, end, hit.id()));
            floor = end;
            i = end - 1;
        }
        return out == null ? List.of() : out;
    }
}
