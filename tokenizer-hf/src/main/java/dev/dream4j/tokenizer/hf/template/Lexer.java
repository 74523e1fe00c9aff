package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into {@link Segment}s and applies whitespace control ({@code -}) and the environment
 * transformers uses ({@code trim_blocks}, {@code lstrip_blocks}).
 */
final class Lexer {
    private Lexer() {
    }

    static List<Segment> lex(String src) {
        List<Segment> raw = new ArrayList<>();
        int i = 0;
        int n = src.length();
        StringBuilder text = new StringBuilder();
        int[] lines = {1, 0}; // line, offset it was counted to (lexing only moves forward)
        int line = 1;
        while (i < n) {
            char c = src.charAt(i);
            if (text.isEmpty()) {
                line = lineAt(src, i, lines);
            }
            if (c == '{' && i + 1 < n && "{%#".indexOf(src.charAt(i + 1)) >= 0) {
                char kind = src.charAt(i + 1);
                char close = kind == '{' ? '}' : kind;
                int j = i + 2;
                boolean trimLeft = j < n && src.charAt(j) == '-';
                if (j < n && (src.charAt(j) == '-' || src.charAt(j) == '+')) {
                    j++;
                }
                int start = j;
                int end = -1;
                char quote = 0;
                while (j < n) {
                    char d = src.charAt(j);
                    if (kind != '#' && quote != 0) {
                        if (d == '\\') {
                            j++;
                        } else if (d == quote) {
                            quote = 0;
                        }
                    } else if (kind != '#' && (d == '\'' || d == '"')) {
                        quote = d;
                    } else if (d == close && j + 1 < n && src.charAt(j + 1) == '}') {
                        end = j;
                        break;
                    }
                    j++;
                }
                if (end < 0) {
                    throw new TemplateException("unclosed tag", lineAt(src, i, lines));
                }
                boolean trimRight = end > start && src.charAt(end - 1) == '-';
                int contentEnd = end > start && (src.charAt(end - 1) == '-' || src.charAt(end - 1) == '+') ? end - 1 : end;
                if (!text.isEmpty()) {
                    raw.add(new Segment('T', text.toString(), false, false, line));
                    text.setLength(0);
                }
                raw.add(new Segment(kind, src.substring(start, contentEnd).strip(), trimLeft, trimRight, lineAt(src, i, lines)));
                i = end + 2;
            } else {
                text.append(c);
                i++;
            }
        }
        if (!text.isEmpty()) {
            raw.add(new Segment('T', text.toString(), false, false, line));
        }
        // whitespace control, then trim_blocks / lstrip_blocks
        List<Segment> out = new ArrayList<>();
        for (int k = 0; k < raw.size(); k++) {
            Segment s = raw.get(k);
            if (s.kind() != 'T') {
                out.add(s);
                continue;
            }
            String t = s.text();
            Segment prev = k > 0 ? raw.get(k - 1) : null;
            Segment next = k + 1 < raw.size() ? raw.get(k + 1) : null;
            // the right end first (lstrip_blocks looks at the original line start)
            if (next != null && next.trimLeft()) {
                t = t.stripTrailing();
            } else if (next != null && next.kind() != '{') {
                int nl = t.lastIndexOf('\n');
                int p = t.length();
                while (p > nl + 1 && (t.charAt(p - 1) == ' ' || t.charAt(p - 1) == '\t')) {
                    p--;
                }
                if (p == nl + 1 && (nl >= 0 || k == 0)) {
                    t = t.substring(0, p); // the block tag begins its line
                }
            }
            if (prev != null && prev.trimRight()) {
                t = t.stripLeading();
            } else if (prev != null && prev.kind() != '{') {
                if (t.startsWith("\r\n")) {
                    t = t.substring(2);
                } else if (t.startsWith("\n")) {
                    t = t.substring(1);
                }
            }
            if (!t.isEmpty()) {
                out.add(new Segment('T', t, false, false, s.line()));
            }
        }
        return out;
    }

    /** The 1-based line of offset {@code at}, counting on from the last call's position in {@code state}. */
    private static int lineAt(String src, int at, int[] state) {
        for (int k = state[1]; k < at; k++) {
            if (src.charAt(k) == '\n') {
                state[0]++;
            }
        }
        state[1] = Math.max(state[1], at);
        return state[0];
    }
}
