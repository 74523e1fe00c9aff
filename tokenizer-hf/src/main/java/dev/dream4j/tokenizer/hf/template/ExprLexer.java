package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayList;
import java.util.List;

/** Splits an expression into {@link Token}s: names, string and number literals, operators. */
final class ExprLexer {
    private ExprLexer() {
    }

    static List<Token> tokens(String src) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = src.length();
        while (i < n) {
            char c = src.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(src.charAt(j)) || src.charAt(j) == '_')) {
                    j++;
                }
                out.add(new Token('n', src.substring(i, j)));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < n && Character.isDigit(src.charAt(j))) {
                    j++;
                }
                boolean isFloat = j + 1 < n && src.charAt(j) == '.' && Character.isDigit(src.charAt(j + 1));
                if (isFloat) {
                    j++;
                    while (j < n && Character.isDigit(src.charAt(j))) {
                        j++;
                    }
                }
                out.add(new Token(isFloat ? 'f' : 'i', src.substring(i, j)));
                i = j;
            } else if (c == '\'' || c == '"') {
                StringBuilder sb = new StringBuilder();
                int j = i + 1;
                while (j < n && src.charAt(j) != c) {
                    char d = src.charAt(j);
                    if (d == '\\' && j + 1 < n) {
                        char e = src.charAt(++j);
                        switch (e) {
                            case 'n' -> sb.append('\n');
                            case 't' -> sb.append('\t');
                            case 'r' -> sb.append('\r');
                            case 'u' -> {
                                int v = j + 5 <= n ? hex4(src, j + 1) : -1;
                                if (v < 0) {
                                    throw new TemplateException("bad \\u escape in string literal: a \\u needs 4 hex digits");
                                }
                                sb.append((char) v);
                                j += 4;
                            }
                            default -> sb.append(e);
                        }
                    } else {
                        sb.append(d);
                    }
                    j++;
                }
                if (j >= n) {
                    throw new TemplateException("unterminated string in: " + src);
                }
                out.add(new Token('s', sb.toString()));
                i = j + 1;
            } else {
                String two = i + 1 < n ? src.substring(i, i + 2) : "";
                if (List.of("==", "!=", "<=", ">=", "//", "**").contains(two)) {
                    out.add(new Token('o', two));
                    i += 2;
                } else if ("+-*/%~()[]{}.,:|=<>!".indexOf(c) >= 0) {
                    out.add(new Token('o', String.valueOf(c)));
                    i++;
                } else {
                    throw new TemplateException("unexpected character '" + c + "' in: " + src);
                }
            }
        }
        out.add(new Token('e', ""));
        return out;
    }

    static String abbreviate(String s) {
        return s.length() <= 24 ? s : s.substring(0, 20) + "...";
    }

    private static int hex4(String src, int from) {
        int v = 0;
        for (int k = from; k < from + 4; k++) {
            int d = Character.digit(src.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
}
