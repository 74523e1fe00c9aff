package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayList;
import java.util.List;

/** Parses a template's {@link Segment}s into {@link Node}s, with block nesting capped at parse time. */
final class Parser {
    private final List<Segment> segs;
    private final int maxDepth;
    private int pos;
    private int depth;

    Parser(List<Segment> segs, int maxDepth) {
        this.segs = segs;
        this.maxDepth = maxDepth;
    }

    /** The line of the segment being parsed (the last one at the end of the template). */
    int line() {
        return segs.isEmpty() ? 0 : segs.get(Math.min(pos, segs.size() - 1)).line();
    }

    private ExprParser expr(String text) {
        return new ExprParser(ExprLexer.tokens(text), maxDepth);
    }

    List<Node> parseBody() {
        List<Node> body = parseUntil();
        if (pos < segs.size()) {
            throw new TemplateException("unexpected {% " + segs.get(pos).text() + " %}");
        }
        return body;
    }

    private static String keyword(Segment s) {
        int sp = 0;
        String t = s.text();
        while (sp < t.length() && (Character.isLetterOrDigit(t.charAt(sp)) || t.charAt(sp) == '_')) {
            sp++;
        }
        return t.substring(0, sp);
    }

    /** Nodes up to (not consuming) a statement whose keyword is one of {@code stops}. */
    private List<Node> parseUntil(String... stops) {
        List<Node> out = new ArrayList<>();
        while (pos < segs.size()) {
            Segment s = segs.get(pos);
            switch (s.kind()) {
                case 'T' -> {
                    out.add(new Node.Text(s.text(), s.line()));
                    pos++;
                }
                case '#' -> pos++;
                case '{' -> {
                    out.add(new Node.Output(expr(s.text()).parseFull(), s.line()));
                    pos++;
                }
                default -> {
                    String kw = keyword(s);
                    for (String stop : stops) {
                        if (stop.equals(kw)) {
                            return out;
                        }
                    }
                    if (++depth > maxDepth) {
                        throw new TemplateException("blocks nested deeper than " + maxDepth);
                    }
                    out.add(statement(s, kw));
                    depth--;
                }
            }
        }
        if (stops.length > 0) {
            throw new TemplateException("missing {% " + stops[stops.length - 1] + " %}");
        }
        return out;
    }

    private void expect(String kw) {
        if (pos >= segs.size() || !keyword(segs.get(pos)).equals(kw)) {
            throw new TemplateException("expected {% " + kw + " %}");
        }
        pos++;
    }

    private Node statement(Segment s, String kw) {
        String rest = s.text().substring(kw.length());
        pos++;
        switch (kw) {
            case "if" -> {
                List<Expr> conds = new ArrayList<>();
                List<List<Node>> branches = new ArrayList<>();
                conds.add(expr(rest).parseFull());
                branches.add(parseUntil("elif", "else", "endif"));
                List<Node> otherwise = List.of();
                while (true) {
                    Segment t = segs.get(pos);
                    String k = keyword(t);
                    pos++;
                    if (k.equals("elif")) {
                        conds.add(expr(t.text().substring(4)).parseFull());
                        branches.add(parseUntil("elif", "else", "endif"));
                    } else if (k.equals("else")) {
                        otherwise = parseUntil("endif");
                        expect("endif");
                        break;
                    } else {
                        break;
                    }
                }
                return new Node.If(conds, branches, otherwise, s.line());
            }
            case "for" -> {
                ExprParser p = expr(rest);
                List<String> vars = new ArrayList<>();
                vars.add(p.name());
                while (p.accept(",")) {
                    vars.add(p.name());
                }
                if (!p.acceptName("in")) {
                    throw new TemplateException("expected 'in' in {% for" + rest + " %}");
                }
                Expr iterable = p.parseNoCond();
                Expr filter = p.acceptName("if") ? p.parseNoCond() : null;
                p.end();
                List<Node> body = parseUntil("else", "endfor");
                List<Node> otherwise = List.of();
                if (keyword(segs.get(pos)).equals("else")) {
                    pos++;
                    otherwise = parseUntil("endfor");
                }
                expect("endfor");
                return new Node.For(vars, iterable, filter, body, otherwise, s.line());
            }
            case "set" -> {
                ExprParser p = expr(rest);
                String name = p.name();
                String attr = p.accept(".") ? p.name() : null;
                if (!p.accept("=")) {
                    throw new TemplateException("block {% set %} is not supported: {% set" + rest + " %}");
                }
                Expr value = p.parseFull();
                p.end();
                return new Node.Set(name, attr, value, s.line());
            }
            case "generation" -> {
                List<Node> body = parseUntil("endgeneration");
                expect("endgeneration");
                return new Node.If(List.of(new Expr.Literal(Boolean.TRUE)), List.of(body), List.of(), s.line());
            }
            default -> throw new TemplateException("unsupported statement {% " + s.text() + " %}");
        }
    }
}
