package dev.dream4j.fuzz;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded mutations of text and bytes, biased toward what breaks parsers: boundary numbers, nulls, quotes, brackets,
 * template delimiters, combining marks and surrogates, repeated chunks. Deterministic for a given random stream, so
 * every case is reproduced from its seed alone.
 */
public final class Mutator {
    /** Tokens spliced into text: each stands for a class of hostile value. */
    public static final List<String> DICTIONARY = List.of(
            "null", "-1", "0", "1", "2147483647", "2147483648", "-2147483648", "4294967296", "9223372036854775807",
            "18446744073709551616", "1e9", "2e9", "1e308", "-1e308", "NaN", "Infinity", "1.5", "[]", "{}", "[[[[", "]]]]",
            "\"\"", "\"", "'", "\\", "\\u", "\\uZZZZ", "\\u12", "\u0000", "\n", "\r\n", "\t", ",", ":", "true", "false",
            "{{", "}}", "{%", "%}", "{#", "#}", "{%-", "-%}", "range(", "range(1000000000)", "namespace(", ")", "(", "|",
            "|tojson", "|abs", "|join", ".startswith()", ".split('')", ".replace('', 'xx')", "|tojson(indent=99)",
            "[:]", "[::-1]", "[]", " + ", " ~ ", " // 0", " % 0", " * ",
            "loop.", "messages", "ns.x", "{% for i in range(100000) %}", "{% endfor %}", "{% if x %}", "{% endif %}",
            "{% set ns = namespace(a=ns) %}", "\u0300", "\u0316", "\u0345", "\uD800", "\uDC00", "\uFFFD", "\uFEFF",
            "\u1100\u1161\u11A8", "e\u0301", "\uAC00", "<|im_start|>", "<|im_end|>", "../", "/etc/passwd", "..",
            "(a|b)*", "(?<=a+)", "(a+)+", "\\p{L}", "[^", "*", "+", "?", "{1000000}");

    private final SplittableRandom random;

    public Mutator(SplittableRandom random) {
        this.random = random;
    }

    public SplittableRandom random() {
        return random;
    }

    /** A random dictionary token. */
    public String token() {
        return DICTIONARY.get(random.nextInt(DICTIONARY.size()));
    }

    /** {@code s} with 1 to 4 random edits. */
    public String mutate(String s) {
        String out = s;
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits; i++) {
            out = edit(out);
        }
        return out;
    }

    private String edit(String s) {
        int n = s.length();
        int a = n == 0 ? 0 : random.nextInt(n + 1);
        int b = Math.min(n, a + random.nextInt(Math.max(1, Math.min(64, n - a + 1))));
        return switch (random.nextInt(9)) {
            case 0 -> s.substring(0, a) + s.substring(b); // delete
            case 1 -> s.substring(0, a) + token() + s.substring(a); // insert a token
            case 2 -> s.substring(0, a) + token() + s.substring(b); // replace with a token
            case 3 -> s.substring(0, b) + s.substring(a, b).repeat(1 + random.nextInt(8)) + s.substring(b); // repeat
            case 4 -> n == 0 ? s : s.substring(0, a) + (char) random.nextInt(0x10000) + s.substring(Math.min(n, a + 1)); // a char
            case 5 -> spliceValue(s); // a JSON value becomes a token
            case 6 -> s.substring(0, a); // truncate
            case 7 -> s.substring(a) + s.substring(0, a); // rotate
            default -> s.substring(0, a) + randomDigits() + s.substring(b);
        };
    }

    /** JSON values that stay parseable: the mutation then reaches the code behind the parser. */
    private static final List<String> JSON_VALUES = List.of("null", "-1", "0", "2147483647", "2147483648", "4294967296",
            "9223372036854775807", "18446744073709551616", "2e9", "1e308", "-0.5", "1.5", "[]", "{}", "\"\"", "true",
            "[-1]", "[4294967296, 4294967296]", "{\"a\": null}", "\"\\u0000\"", "\"../x\"", "\"{{ range(1000000000) }}\"");

    /** {@code s} (JSON) with 1 to 3 field values replaced by other valid JSON values. */
    public String mutateJsonValues(String s) {
        String out = s;
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            out = spliceValue(out, JSON_VALUES.get(random.nextInt(JSON_VALUES.size())));
        }
        return out;
    }

    private String spliceValue(String s) {
        return spliceValue(s, random.nextBoolean() ? token() : "\"" + token() + "\"");
    }

    /** Replaces the scalar after a random {@code ":"} (a JSON field value) with {@code value}. */
    private String spliceValue(String s, String value) {
        int from = s.isEmpty() ? 0 : random.nextInt(s.length());
        int colon = s.indexOf(':', from);
        if (colon < 0) {
            colon = s.indexOf(':');
        }
        if (colon < 0) {
            return s + token();
        }
        int start = colon + 1;
        while (start < s.length() && s.charAt(start) == ' ') {
            start++;
        }
        int end = start;
        if (end < s.length() && s.charAt(end) == '"') {
            end = s.indexOf('"', end + 1);
            end = end < 0 ? s.length() : end + 1;
        } else {
            while (end < s.length() && ",}]\n".indexOf(s.charAt(end)) < 0) {
                end++;
            }
        }
        return s.substring(0, start) + value + s.substring(end);
    }

    private String randomDigits() {
        int len = 1 + random.nextInt(25);
        StringBuilder sb = new StringBuilder(random.nextInt(4) == 0 ? "-" : "");
        for (int i = 0; i < len; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        return sb.toString();
    }

    /** A number a careless or hostile file might hold where a size or offset belongs. */
    public long interestingLong() {
        long[] values = {0, 1, -1, 2, 7, 8, 255, 256, 65535, 1L << 31, (1L << 31) - 1, 1L << 32, 1L << 40, 1L << 62,
                Long.MAX_VALUE, Long.MIN_VALUE, 100L << 20, 67L << 20};
        return random.nextInt(3) == 0 ? random.nextLong() : values[random.nextInt(values.length)] + random.nextInt(3) - 1;
    }

    /** Random Unicode text from hostile pools: combining runs, surrogates (lone ones too), controls, jamo, emoji. */
    public String unicode(int maxLength) {
        int len = random.nextInt(maxLength + 1);
        StringBuilder sb = new StringBuilder(len);
        int pool = random.nextInt(6);
        while (sb.length() < len) {
            int kind = pool == 5 ? random.nextInt(5) : pool;
            switch (kind) {
                case 0 -> sb.append((char) (0x20 + random.nextInt(0x5F)));
                case 1 -> sb.append(random.nextBoolean() ? '\u0300' : '\u0316'); // the quadratic-NFC pair
                case 2 -> sb.appendCodePoint(random.nextInt(0x110000) & ~(random.nextBoolean() ? 0 : 0xFFFF0000));
                case 3 -> sb.append((char) (random.nextBoolean() ? 0xD800 + random.nextInt(0x800) : 0x1100 + random.nextInt(0x100)));
                default -> sb.append(token());
            }
        }
        return sb.toString();
    }

    /** A random regex from hostile constructs: nested quantifiers, alternations, lookbehinds. */
    public String regex() {
        String[] atoms = {"a", "b", ".", "\\s", "\\p{L}", "[ab]", "[^\\s]", "(a|b)", "(a|aa)", "(?:ab)", "(?<=a+)", "(?=b)",
                "\\d", "x"};
        String[] quantifiers = {"", "*", "+", "?", "{2,}", "*?", "++"};
        StringBuilder sb = new StringBuilder();
        int parts = 1 + random.nextInt(4);
        for (int i = 0; i < parts; i++) {
            String atom = atoms[random.nextInt(atoms.length)] + quantifiers[random.nextInt(quantifiers.length)];
            if (random.nextInt(3) == 0) {
                atom = "(" + atom + ")" + quantifiers[random.nextInt(quantifiers.length)];
            }
            sb.append(atom);
            if (random.nextInt(4) == 0) {
                sb.append('|');
            }
        }
        return sb.toString();
    }
}
