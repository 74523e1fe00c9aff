package dev.dream4j.tokenizer.hf;

/**
 * Hand-written scanners equivalent to the Qwen2 and GPT-2 split regexes under Oniguruma's Unicode semantics:
 * {@code \s} is the Unicode White_Space property, {@code \p{L}} the letter categories, {@code \p{N}} Nd/Nl/No, all
 * on code points (supplementary characters included), leftmost-first alternation with the regex's backtracking
 * worked out by hand.
 */
final class Scanners {

    static final byte OTHER = 0;
    static final byte LETTER = 1;
    static final byte NUMBER = 2;
    static final byte SPACE = 3;
    static final byte NEWLINE = 4; // \r or \n, also whitespace

    private static final byte[] BMP = new byte[0x10000];

    static {
        for (int c = 0; c < 0x10000; c++) {
            BMP[c] = compute(c);
        }
    }

    private Scanners() {
    }

    private static byte compute(int cp) {
        if (cp == '\r' || cp == '\n') {
            return NEWLINE;
        }
        if (isWhiteSpace(cp)) {
            return SPACE;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> {
                return LETTER;
            }
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> {
                return NUMBER;
            }
            default -> {
                return OTHER;
            }
        }
    }

    /** The Unicode White_Space property. */
    static boolean isWhiteSpace(int cp) {
        return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }

    static byte classOf(int cp) {
        return cp < 0x10000 ? BMP[cp] : compute(cp);
    }

    private static boolean isSpace(byte cls) {
        return cls >= SPACE;
    }

    /** The code point at {@code i} (a lone surrogate is itself). */
    private static int cp(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            return Character.toCodePoint(c, s.charAt(i + 1));
        }
        return c;
    }

    private static byte clsAt(String s, int i) {
        char c = s.charAt(i);
        return Character.isSurrogate(c) ? classOf(cp(s, i)) : BMP[c];
    }

    private static int width(String s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)) ? 2 : 1;
    }

    /** The end of the run of characters of class {@code cls} from {@code i}. */
    private static int run(String s, int i, byte cls) {
        int n = s.length();
        while (i < n && clsAt(s, i) == cls) {
            i += width(s, i);
        }
        return i;
    }

    private static int spaceRun(String s, int i) {
        int n = s.length();
        while (i < n && isSpace(clsAt(s, i))) {
            i++; // every whitespace character is in the BMP
        }
        return i;
    }

    private static boolean is(char c, char lower) {
        return c == lower || c == Character.toUpperCase(lower);
    }

    /** Length after the apostrophe of a contraction at {@code i} (the apostrophe's index), or 0. */
    private static int contraction(String s, int i, boolean ignoreCase) {
        int n = s.length();
        if (i + 1 >= n) {
            return 0;
        }
        char a = s.charAt(i + 1);
        char b = i + 2 < n ? s.charAt(i + 2) : 0;
        if (!ignoreCase) {
            if (a == 's' || a == 't' || a == 'm' || a == 'd') {
                return 1;
            }
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
                return 2;
            }
            return 0;
        }
        // Oniguruma's case folding: 's' also matches U+017F LATIN SMALL LETTER LONG S
        if (is(a, 's') || a == '\u017F' || is(a, 't')) {
            return 1;
        }
        if ((is(a, 'r') && is(b, 'e')) || (is(a, 'v') && is(b, 'e'))) {
            return 2;
        }
        if (is(a, 'm')) {
            return 1;
        }
        if (is(a, 'l') && is(b, 'l')) {
            return 2;
        }
        if (is(a, 'd')) {
            return 1;
        }
        return 0;
    }

    /** Whitespace alternatives shared by both patterns: {@code \s+(?!\S)|\s+} (Qwen2 first tries \s*[\r\n]+). */
    private static int spaces(String s, int i, boolean newlineRule) {
        int e = spaceRun(s, i);
        if (newlineRule) {
            for (int k = e - 1; k >= i; k--) {
                char c = s.charAt(k);
                if (c == '\r' || c == '\n') {
                    return k + 1;
                }
            }
        }
        if (e == s.length() || e - i == 1) {
            return e;
        }
        return e - 1;
    }

    /** The Qwen2 split regex (see {@link PreTokenizer#QWEN2_PATTERN}). */
    static final PreTokenizer QWEN2 = (s, out) -> {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            byte cls = clsAt(s, i);
            int w = width(s, i);
            int end;
            int k;
            if (c == '\'' && (k = contraction(s, i, true)) > 0) {
                end = i + 1 + k;
            } else if (cls == LETTER) {
                end = run(s, i + w, LETTER);
            } else if (cls != NUMBER && cls != NEWLINE && i + w < n && clsAt(s, i + w) == LETTER) {
                end = run(s, i + w, LETTER);
            } else if (cls == NUMBER) {
                end = i + w;
            } else if (cls == OTHER || (c == ' ' && i + 1 < n && clsAt(s, i + 1) == OTHER)) {
                end = run(s, cls == OTHER ? i : i + 1, OTHER);
                while (end < n && (s.charAt(end) == '\r' || s.charAt(end) == '\n')) {
                    end++;
                }
            } else {
                end = spaces(s, i, true);
            }
            out.add(i, end);
            i = end;
        }
    };

    /** The GPT-2 regex (see {@link PreTokenizer#GPT2_PATTERN}). */
    static final PreTokenizer GPT2 = (s, out) -> {
        int n = s.length();
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            int end;
            int k;
            if (c == '\'' && (k = contraction(s, i, false)) > 0) {
                end = i + 1 + k;
            } else {
                int j = c == ' ' && i + 1 < n ? i + 1 : i;
                byte cls = clsAt(s, j);
                if (j == i + 1 && isSpace(cls)) {
                    j = i;
                    cls = clsAt(s, i);
                }
                if (cls == LETTER || cls == NUMBER || cls == OTHER) {
                    end = run(s, j, cls);
                } else {
                    end = spaces(s, i, false);
                }
            }
            out.add(i, end);
            i = end;
        }
    };
}
