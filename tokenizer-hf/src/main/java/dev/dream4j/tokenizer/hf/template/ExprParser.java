package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses one expression's {@link Token}s into an {@link Expr} tree (Jinja's precedence: conditional, or, and, not,
 * comparisons, + and -, ~, * / // %, unary, filters and tests, postfix, primary), nesting capped at parse time.
 */
final class ExprParser {
    private final List<Token> toks;
    private final int maxDepth;
    private int p;
    private int depth;

    ExprParser(List<Token> toks, int maxDepth) {
        this.toks = toks;
        this.maxDepth = maxDepth;
    }

    private Token peek() {
        return toks.get(Math.min(p, toks.size() - 1));
    }

    private Token peekAt(int k) {
        return toks.get(Math.min(p + k, toks.size() - 1));
    }

    private void enter() {
        if (++depth > maxDepth) {
            throw new TemplateException("expression nested deeper than " + maxDepth);
        }
    }

    boolean accept(String op) {
        Token t = peek();
        if (t.type() == 'o' && t.s().equals(op)) {
            p++;
            return true;
        }
        return false;
    }

    boolean acceptName(String name) {
        Token t = peek();
        if (t.type() == 'n' && t.s().equals(name)) {
            p++;
            return true;
        }
        return false;
    }

    private boolean peekName(String name) {
        Token t = peek();
        return t.type() == 'n' && t.s().equals(name);
    }

    void expectOp(String op) {
        if (!accept(op)) {
            throw new TemplateException("expected '" + op + "' but found '" + peek().s() + "'");
        }
    }

    String name() {
        Token t = peek();
        if (t.type() != 'n') {
            throw new TemplateException("expected a name but found '" + t.s() + "'");
        }
        p++;
        return t.s();
    }

    void end() {
        if (peek().type() != 'e') {
            throw new TemplateException("unexpected '" + peek().s() + "'");
        }
    }

    Expr parseFull() {
        Expr e = parseExpr();
        end();
        return e;
    }

    Expr parseExpr() {
        enter();
        Expr e = parseNoCond();
        if (acceptName("if")) {
            Expr cond = parseOr();
            Expr other = acceptName("else") ? parseExpr() : new Expr.Literal(Values.UNDEFINED);
            e = new Expr.Conditional(cond, e, other);
        }
        depth--;
        return e;
    }

    Expr parseNoCond() {
        return parseOr();
    }

    private Expr parseOr() {
        Expr l = parseAnd();
        while (acceptName("or")) {
            l = new Expr.Or(l, parseAnd());
        }
        return l;
    }

    private Expr parseAnd() {
        Expr l = parseNot();
        while (acceptName("and")) {
            l = new Expr.And(l, parseNot());
        }
        return l;
    }

    private Expr parseNot() {
        if (acceptName("not")) {
            enter();
            Expr e = parseNot();
            depth--;
            return new Expr.Not(e);
        }
        return parseCompare();
    }

    private Expr parseCompare() {
        Expr l = parseMath1();
        while (true) {
            Token t = peek();
            String op;
            if (t.type() == 'o' && List.of("==", "!=", "<", ">", "<=", ">=").contains(t.s())) {
                op = t.s();
                p++;
            } else if (peekName("in")) {
                op = "in";
                p++;
            } else if (peekName("not") && peekAt(1).type() == 'n' && peekAt(1).s().equals("in")) {
                op = "not in";
                p += 2;
            } else {
                return l;
            }
            l = new Expr.Compare(op, l, parseMath1());
        }
    }

    private Expr parseMath1() {
        Expr l = parseConcat();
        while (true) {
            if (accept("+")) {
                l = new Expr.Add(l, parseConcat());
            } else if (accept("-")) {
                l = new Expr.Arith('-', l, parseConcat());
            } else {
                return l;
            }
        }
    }

    private Expr parseConcat() {
        Expr l = parseMath2();
        while (accept("~")) {
            l = new Expr.Concat(l, parseMath2());
        }
        return l;
    }

    private Expr parseMath2() {
        Expr l = parseUnary();
        while (true) {
            Token t = peek();
            if (t.type() == 'o' && List.of("*", "/", "//", "%").contains(t.s())) {
                p++;
                char op = t.s().equals("//") ? 'd' : t.s().charAt(0);
                l = new Expr.Arith(op, l, parseUnary());
            } else {
                return l;
            }
        }
    }

    private Expr parseUnary() {
        if (accept("-")) {
            enter();
            Expr e = parseUnary();
            depth--;
            return new Expr.Arith('-', new Expr.Literal(0L), e);
        }
        if (accept("+")) {
            enter();
            Expr e = parseUnary();
            depth--;
            return e;
        }
        return parseFilters(parsePostfix(parsePrimary()));
    }

    private Expr parseFilters(Expr e) {
        while (true) {
            if (accept("|")) {
                String name = name();
                List<Expr> args = new ArrayList<>();
                Map<String, Expr> kwargs = new LinkedHashMap<>();
                if (accept("(")) {
                    callArgs(args, kwargs);
                }
                e = new Expr.Filter(e, name, List.copyOf(args), Collections.unmodifiableMap(kwargs));
            } else if (acceptName("is")) {
                boolean negate = acceptName("not");
                String name = name();
                List<Expr> args = new ArrayList<>();
                if (accept("(")) {
                    callArgs(args, new LinkedHashMap<>());
                } else if (peek().type() == 's' || peek().type() == 'i' || peekName("none")) {
                    args.add(parsePrimary());
                }
                e = new Expr.Test(e, negate, name, List.copyOf(args));
            } else {
                return e;
            }
        }
    }

    private void callArgs(List<Expr> args, Map<String, Expr> kwargs) {
        if (accept(")")) {
            return;
        }
        do {
            if (peek().type() == 'n' && peekAt(1).type() == 'o' && peekAt(1).s().equals("=")) {
                String k = name();
                p++;
                kwargs.put(k, parseExpr());
            } else {
                args.add(parseExpr());
            }
        } while (accept(","));
        expectOp(")");
    }

    private Expr parsePrimary() {
        Token t = peek();
        p++;
        switch (t.type()) {
            case 's' -> {
                StringBuilder sb = new StringBuilder(t.s());
                while (peek().type() == 's') { // adjacent literals concatenate
                    sb.append(peek().s());
                    p++;
                }
                return new Expr.Literal(sb.toString());
            }
            case 'i' -> {
                long v;
                try {
                    v = Long.parseLong(t.s());
                } catch (NumberFormatException e) {
                    throw new TemplateException("integer literal " + ExprLexer.abbreviate(t.s()) + " is out of the 64-bit range");
                }
                return new Expr.Literal(v);
            }
            case 'f' -> {
                double v = Double.parseDouble(t.s());
                return new Expr.Literal(v);
            }
            case 'n' -> {
                switch (t.s()) {
                    case "true", "True" -> {
                        return new Expr.Literal(Boolean.TRUE);
                    }
                    case "false", "False" -> {
                        return new Expr.Literal(Boolean.FALSE);
                    }
                    case "none", "None" -> {
                        return new Expr.Literal(null);
                    }
                    default -> {
                        String name = t.s();
                        if (peek().type() == 'o' && peek().s().equals("(")) {
                            p++;
                            List<Expr> args = new ArrayList<>();
                            Map<String, Expr> kwargs = new LinkedHashMap<>();
                            callArgs(args, kwargs);
                            return new Expr.Call(name, List.copyOf(args), Collections.unmodifiableMap(kwargs));
                        }
                        return new Expr.Variable(name);
                    }
                }
            }
            case 'o' -> {
                switch (t.s()) {
                    case "(" -> {
                        Expr e = parseExpr();
                        if (accept(",")) { // tuple
                            List<Expr> items = new ArrayList<>(List.of(e));
                            if (!accept(")")) {
                                do {
                                    items.add(parseExpr());
                                } while (accept(",") && !(peek().type() == 'o' && peek().s().equals(")")));
                                expectOp(")");
                            }
                            return new Expr.ListOf(List.copyOf(items));
                        }
                        expectOp(")");
                        return e;
                    }
                    case "[" -> {
                        List<Expr> items = new ArrayList<>();
                        if (!accept("]")) {
                            do {
                                if (peek().type() == 'o' && peek().s().equals("]")) {
                                    break;
                                }
                                items.add(parseExpr());
                            } while (accept(","));
                            expectOp("]");
                        }
                        return new Expr.ListOf(List.copyOf(items));
                    }
                    case "{" -> {
                        List<Expr.Entry> entries = new ArrayList<>();
                        if (!accept("}")) {
                            do {
                                if (peek().type() == 'o' && peek().s().equals("}")) {
                                    break;
                                }
                                Expr k = parseExpr();
                                expectOp(":");
                                entries.add(new Expr.Entry(k, parseExpr()));
                            } while (accept(","));
                            expectOp("}");
                        }
                        return new Expr.DictOf(List.copyOf(entries));
                    }
                    default -> throw new TemplateException("unexpected '" + t.s() + "'");
                }
            }
            default -> throw new TemplateException("unexpected end of expression");
        }
    }

    private Expr parsePostfix(Expr e) {
        while (true) {
            if (accept(".")) {
                String attr = name();
                Expr base = e;
                if (accept("(")) {
                    List<Expr> args = new ArrayList<>();
                    Map<String, Expr> kwargs = new LinkedHashMap<>();
                    callArgs(args, kwargs);
                    e = new Expr.MethodCall(base, attr, List.copyOf(args));
                } else {
                    e = new Expr.Attribute(base, attr);
                }
            } else if (accept("[")) {
                Expr base = e;
                Expr[] parts = new Expr[3];
                boolean slice = false;
                int k = 0;
                while (true) {
                    Token t = peek();
                    if (t.type() == 'o' && t.s().equals("]")) {
                        p++;
                        break;
                    }
                    if (t.type() == 'o' && t.s().equals(":")) {
                        p++;
                        slice = true;
                        k++;
                        if (k > 2) {
                            throw new TemplateException("bad slice");
                        }
                        continue;
                    }
                    parts[k] = parseExpr();
                }
                if (!slice && parts[0] == null) {
                    throw new TemplateException("empty subscript []");
                }
                if (slice) {
                    e = new Expr.Slice(base, parts[0], parts[1], parts[2]);
                } else {
                    e = new Expr.Subscript(base, parts[0]);
                }
            } else {
                return e;
            }
        }
    }
}
