package dev.dream4j.tokenizer.hf;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * NFC in time linear in the text (n log n in a run of combining marks). {@link Normalizer} puts combining marks in
 * canonical order with an insertion sort, so a long run of marks with alternating combining classes (U+0300 U+0316
 * ...) costs quadratic time: 80k such characters took seconds, a denial of service on the server. Text whose mark
 * runs are short goes to {@link Normalizer} unchanged; a long run is decomposed one code point at a time, stably
 * sorted by combining class here, and only then composed by {@link Normalizer}, which finds it already in order.
 * <p>
 * The JDK exposes no combining class, so the order is read off {@link Normalizer} itself: a pair of marks is swapped by
 * NFD exactly when the first has the higher nonzero class.
 */
final class Nfc {
    /** Mark runs up to this length go to {@link Normalizer} directly (its quadratic part is then small). */
    static final int SHORT_RUN = 64;
    /** The combining mark with the highest combining class (240), used to detect nonzero classes. */
    private static final String YPOGEGRAMMENI = "\u0345";

    private Nfc() {
    }

    static String normalize(String s) {
        if (longestMarkRun(s) <= SHORT_RUN) {
            return Normalizer.isNormalized(s, Normalizer.Form.NFC) ? s : Normalizer.normalize(s, Normalizer.Form.NFC);
        }
        StringBuilder out = new StringBuilder(s.length());
        Map<Integer, Boolean> nonStarter = new HashMap<>();
        int chunkStart = 0;
        int i = 0;
        int n = s.length();
        while (i < n) {
            int cp = s.codePointAt(i);
            int next = i + Character.charCount(cp);
            if (isMark(cp)) {
                int runEnd = next;
                while (runEnd < n && isMark(s.codePointAt(runEnd))) {
                    runEnd += Character.charCount(s.codePointAt(runEnd));
                }
                int runLength = runEnd - i;
                if (runLength > SHORT_RUN) {
                    // the starter before the run (if any) belongs with it: marks may compose onto it
                    int starter = i > chunkStart ? s.offsetByCodePoints(i, -1) : i;
                    out.append(Normalizer.normalize(s.substring(chunkStart, starter), Normalizer.Form.NFC));
                    out.append(composeLongRun(s.substring(starter, runEnd), nonStarter));
                    chunkStart = runEnd;
                }
                i = runEnd;
            } else {
                i = next;
            }
        }
        out.append(Normalizer.normalize(s.substring(chunkStart), Normalizer.Form.NFC));
        return out.toString();
    }

    /** Marks, and the Hangul jamo that compose backwards: a chunk never starts with one. */
    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK || (cp >= 0x1160 && cp <= 0x11FF) || (cp >= 0xD7B0 && cp <= 0xD7FF);
    }

    private static int longestMarkRun(String s) {
        int longest = 0;
        int run = 0;
        for (int i = 0, n = s.length(); i < n; ) {
            int cp = s.codePointAt(i);
            if (cp >= 0x300 && isMark(cp)) {
                run += Character.charCount(cp);
                longest = Math.max(longest, run);
            } else {
                run = 0;
            }
            i += Character.charCount(cp);
        }
        return longest;
    }

    /** NFC of a starter (optional) followed by a long run of marks. */
    private static String composeLongRun(String chunk, Map<Integer, Boolean> nonStarter) {
        List<Integer> cps = new ArrayList<>(chunk.length());
        chunk.codePoints().forEach(cp -> Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFD)
                .codePoints().forEach(cps::add));
        // the combining class order of the distinct marks (few), so sorting the run costs no Normalizer calls
        List<Integer> distinct = cps.stream().distinct().filter(cp -> isNonStarter(cp, nonStarter)).sorted(Nfc::compareClasses).toList();
        Map<Integer, Integer> rank = new HashMap<>();
        for (int r = 0, j = 0; j < distinct.size(); j++) {
            if (j > 0 && compareClasses(distinct.get(j - 1), distinct.get(j)) != 0) {
                r++;
            }
            rank.put(distinct.get(j), r);
        }
        // canonical ordering: a stable sort of every maximal run of nonzero combining classes
        List<Integer> ordered = new ArrayList<>(cps.size());
        int k = 0;
        while (k < cps.size()) {
            if (!isNonStarter(cps.get(k), nonStarter)) {
                ordered.add(cps.get(k++));
                continue;
            }
            int end = k;
            while (end < cps.size() && isNonStarter(cps.get(end), nonStarter)) {
                end++;
            }
            List<Integer> run = new ArrayList<>(cps.subList(k, end));
            run.sort(java.util.Comparator.comparing(rank::get)); // List.sort is a stable merge sort
            ordered.addAll(run);
            k = end;
        }
        StringBuilder decomposed = new StringBuilder(ordered.size() + 8);
        ordered.forEach(decomposed::appendCodePoint);
        return Normalizer.normalize(decomposed, Normalizer.Form.NFC);
    }

    /** Whether {@code cp} (already decomposed) has a nonzero canonical combining class. */
    private static boolean isNonStarter(int cp, Map<Integer, Boolean> cache) {
        return cache.computeIfAbsent(cp, c -> {
            String x = Character.toString(c);
            // NFD moves x before U+0345 (class 240) exactly when 0 < class(x) < 240
            return YPOGEGRAMMENI.equals(x) || Normalizer.normalize(YPOGEGRAMMENI + x, Normalizer.Form.NFD).startsWith(x);
        });
    }

    /** Orders two non-starters by combining class (0 when equal). */
    private static int compareClasses(int a, int b) {
        if (a == b) {
            return 0;
        }
        String x = Character.toString(a);
        String y = Character.toString(b);
        if (Normalizer.normalize(y + x, Normalizer.Form.NFD).equals(x + y)) {
            return -1; // class(y) > class(x)
        }
        if (Normalizer.normalize(x + y, Normalizer.Form.NFD).equals(y + x)) {
            return 1;
        }
        return 0;
    }
}
