package dev.dream4j.tokenizer.hf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Real texts read at test time from this machine, where present: JDK sources (src.zip), the Python standard library,
 * C headers; plus hand-written adversarial strings.
 */
final class Corpus {

    static final Path JDK_SRC = Path.of(System.getProperty("java.home"), "lib", "src.zip");
    static final List<Path> PYTHON_STDLIB = List.of(Path.of("/root/.pyenv/versions/3.11.7/lib/python3.11"),
            Path.of("/usr/lib/python3.11"), Path.of("/usr/lib/python3.12"), Path.of("/usr/lib/python3"));
    static final Path C_HEADERS = Path.of("/usr/include");

    private Corpus() {
    }

    /** Whether the machine has the usual sources (then the parity test asks for at least 5,000 texts). */
    static boolean sourcesPresent() {
        return Files.isRegularFile(JDK_SRC) && Files.isDirectory(C_HEADERS);
    }

    static String cut(String s, int maxChars) {
        if (s.length() <= maxChars) {
            return s;
        }
        int end = maxChars;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String decodeStrict(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Up to {@code perSource} texts from each source, each cut to {@code maxChars}. */
    static List<String> realTexts(int perSource, int maxChars) {
        List<String> out = new ArrayList<>();
        if (Files.isRegularFile(JDK_SRC)) {
            try (ZipFile zip = new ZipFile(JDK_SRC.toFile())) {
                int n = 0;
                for (var it = zip.entries().asIterator(); it.hasNext() && n < perSource; ) {
                    ZipEntry e = it.next();
                    if (e.isDirectory() || !e.getName().endsWith(".java")) {
                        continue;
                    }
                    try (InputStream in = zip.getInputStream(e)) {
                        String s = decodeStrict(in.readNBytes(maxChars * 4));
                        if (s != null && !s.isEmpty()) {
                            out.add(cut(s, maxChars));
                            n++;
                        }
                    }
                }
            } catch (IOException e) {
                // a broken src.zip: use the other sources
            }
        }
        for (Path dir : PYTHON_STDLIB) {
            if (Files.isDirectory(dir)) {
                addFiles(out, dir, ".py", perSource, maxChars);
                break;
            }
        }
        if (Files.isDirectory(C_HEADERS)) {
            addFiles(out, C_HEADERS, ".h", perSource, maxChars);
        }
        return out;
    }

    private static void addFiles(List<String> out, Path dir, String suffix, int max, int maxChars) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> list = files.filter(p -> p.toString().endsWith(suffix) && Files.isRegularFile(p)).sorted()
                    .limit(max * 2L).toList();
            int n = 0;
            for (Path p : list) {
                if (n >= max) {
                    break;
                }
                try (InputStream in = Files.newInputStream(p)) {
                    String s = decodeStrict(in.readNBytes(maxChars * 4));
                    if (s != null && !s.isEmpty()) {
                        out.add(cut(s, maxChars));
                        n++;
                    }
                } catch (IOException e) {
                    // unreadable file: skip
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // unreadable tree: keep what was read
        }
    }

    /** Hand-written strings aimed at the places where regex engines and normalizers differ. */
    static List<String> adversarial(List<String> specialTokens) {
        List<String> a = new ArrayList<>(List.of(
                "", " ", "  ", "\n", "\r\n", "\r", "\t", "a\r\nb\r\n\r\nc", "line1\n\n\n\nline2", "\n\n\n", " \n \n ",
                "trailing spaces   ", "   leading", "tabs\t\tand\t spaces \t", "x  \n  y", "a \t\n", "end with space ",
                "I'LL WE'VE YOU'RE HE'S IT'D I'M DON'T", "i'll we've you're he's it'd i'm don't", "'s 'S 'ſ 'll 'LL 'Ll",
                "rock'n'roll", "''s", "''", "'", "don’t", "12345678901234567890", "3.14159e-10", "x1y22z333", "٣٤٥ ๓๔ ½ ² Ⅻ",
                "价格是123元", "中文字符测试，标点。", "日本語のテキスト", "한국어 텍스트", "Ελληνικά κείμενο", "Русский текст!",
                "مرحبا بالعالم", "שלום עולם", "हिन्दी पाठ", "emoji 😀😃😄 👩‍💻 👨‍👩‍👧‍👦 🏳️‍🌈 🇩🇪🇫🇷 👍🏽", "❤️ ✨ ⭐️",
                "e\u0301 é", "cafe\u0301 café", "A\u030A Å Å", "\u1100\u1161\u11A8 각", "n\u0303 ñ", "Ω Ω", "ﬁ ﬀ", "x\u0308\u0301",
                "\u00A0nbsp\u00A0 \u00A0", "ideographic\u3000space\u3000", "line\u2028sep\u2029para", "\u2000\u2001\u2009\u200A\u202F\u205F",
                "zero\u200Bwidth\u200Cjoin\u200D", "\u0085next line", "\u000B\u000Cvt ff", "\u1680ogham", "soft\u00ADhyphen",
                "𝐀𝐁𝐂 𝟏𝟐𝟑 𝔄𝔅", "math 𝑥² + 𝑦² = 𝑧²", "\uD800 lone high", "lone low \uDC00 x", "a\uD83Db", "\uDE00",
                "\u0000nul\u0001ctl\u007F", "<html><body class=\"x\">&amp;</body></html>", "{\"json\": [1, 2, {\"k\": null}]}",
                "    def f(self, x):\n        return x ** 2\n\n\n", "#include <stdio.h>\nint main(void) { return 0; }\n",
                "SELECT * FROM t WHERE a = 'b';", "https://example.com/path?q=1&r=2#frag", "user@example.com",
                "!!!???...,,,;;;", "...\n\n...", "-- -> => ::= <<= >>>=", "\\n \\t \\\\", "`code` ~~strike~~ **bold**",
                "ǅungla ǈ ǋ", "İstanbul ı", "Straße STRASSE ß ẞ", "ΣΑΣ σας", "K Kelvin K", "Å Angstrom",
                "a\u0300\u0301\u0302\u0303\u0304b", "\u0301 leading combining", "x \u0301", "z\u200D\u0301"));
        for (String t : specialTokens) {
            a.add(t);
            a.add("x" + t + "y");
            a.add(" " + t + " ");
            a.add(t + t);
            a.add("\n" + t + "\n");
            a.add("text" + t + "text" + t);
            a.add(t.substring(0, t.length() - 1));
            a.add(t.toUpperCase(java.util.Locale.ROOT));
        }
        StringBuilder big = new StringBuilder();
        java.util.Random r = new java.util.Random(42);
        String alphabet = "ab Z9_'\n\r\t\u00A0\u3000é\u0301中😀<|>.-";
        for (int k = 0; k < 400; k++) {
            big.setLength(0);
            int len = 1 + r.nextInt(40);
            for (int i = 0; i < len; i++) {
                int cp = alphabet.codePoints().toArray()[r.nextInt((int) alphabet.codePoints().count())];
                big.appendCodePoint(cp);
            }
            a.add(big.toString());
        }
        return a;
    }
}
