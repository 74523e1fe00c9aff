package dev.dream4j.tokenizer.hf;

import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.TokenizerException;
import dev.dream4j.tokenizer.ChatTemplate;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small Jinja2 interpreter for chat templates, with the environment transformers uses ({@code trim_blocks},
 * {@code lstrip_blocks}). Supports text, {@code {{ }}}, {@code {% if/elif/else/for/set/generation %}}, comments,
 * whitespace control, the usual operators, filters, tests, string/dict/list methods, {@code namespace()},
 * {@code range()} and {@code raise_exception()}.
 */
public final class JinjaTemplate implements ChatTemplate {

    /**
     * A template that cannot be parsed, that raised an exception while rendering, or that exceeded a
     * {@linkplain Limits budget}. The message names the template line when it is known.
     */
    public static final class TemplateException extends TokenizerException {
        private static final long serialVersionUID = 1L;
        private final int line;
        private final String detail;

        public TemplateException(String message) {
            this(message, 0);
        }

        TemplateException(String message, int line) {
            super(line > 0 ? "template line " + line + ": " + message : message);
            this.line = line;
            this.detail = message;
        }

        /** The 1-based template line at fault, or 0 when unknown. */
        public int line() {
            return line;
        }

        /** This error located at {@code templateLine}, unless it already names a line. */
        TemplateException at(int templateLine) {
            return line > 0 || templateLine <= 0 ? this : new TemplateException(detail, templateLine);
        }
    }

    /**
     * The sandbox budgets of one render. Templates come from downloaded checkpoints, so rendering is bounded: every
     * executed node, loop iteration, range element and evaluated list item costs a step, every built string or list
     * costs a step per 16 characters or elements; the rendered text is capped; block and expression nesting is capped
     * at parse time.
     *
     * @param maxSteps       the step budget of one render
     * @param maxOutputChars the largest rendered text, and the largest string or list a template may build
     * @param maxDepth       the deepest nesting of blocks, brackets and values
     */
    public record Limits(long maxSteps, int maxOutputChars, int maxDepth) {
        /** 2 million steps, 4 Mi characters, depth 64: far above any published chat template. */
        public static final Limits DEFAULT = new Limits(2_000_000, 4 << 20, 64);

        public Limits {
            if (maxSteps < 1 || maxOutputChars < 1 || maxDepth < 1) {
                throw new IllegalArgumentException("template limits must be positive: " + maxSteps + ", " + maxOutputChars + ", " + maxDepth);
            }
        }
    }

    private static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "";
        }
    };

    /** {@code str()} of a list or dict is built outside a render's budget, so it has fixed caps. */
    private static final int MAX_REPR_CHARS = 16 << 20;
    private static final int MAX_REPR_DEPTH = 256;
    private static final int MAX_INDENT = 64;

    private final List<Node> body;
    private final Map<String, Object> globals;
    private final Limits limits;

    /** Parses {@code source}; {@code globals} (for example bos_token) are visible to the template. */
    public JinjaTemplate(String source, Map<String, Object> globals) {
        this(source, globals, Limits.DEFAULT);
    }

    /**
     * Parses {@code source} under {@code limits}.
     *
     * @throws TemplateException naming the template line when the source is malformed or nested too deeply
     */
    public JinjaTemplate(String source, Map<String, Object> globals, Limits limits) {
        this.limits = limits;
        this.body = parse(source, limits);
        this.globals = Map.copyOf(globals);
    }

    private static List<Node> parse(String source, Limits limits) {
        Parser parser = new Parser(lex(source), limits.maxDepth());
        try {
            return parser.parseBody();
        } catch (TemplateException e) {
            throw e.at(parser.line());
        } catch (StackOverflowError e) {
            throw new TemplateException("template nested too deeply to parse", parser.line());
        } catch (RuntimeException e) { // a parser gap must not escape as an untyped error
            throw new TemplateException("cannot parse: " + e, parser.line());
        }
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Object> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("role", m.role());
            o.put("content", m.content());
            msgs.add(o);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        return render(vars);
    }

    /** Renders with arbitrary variables (messages as maps, tools, ...). */
    public String render(Map<String, Object> variables) {
        Ctx ctx = new Ctx(limits);
        ctx.scopes.push(new HashMap<>(globals));
        Map<String, Object> vars = new HashMap<>();
        variables.forEach((k, v) -> vars.put(k, normalize(v)));
        ctx.scopes.push(vars);
        StringBuilder out = new StringBuilder();
        try {
            exec(body, ctx, out);
        } catch (TemplateException e) {
            throw e.at(ctx.line);
        } catch (StackOverflowError e) {
            throw new TemplateException("recursion too deep (a self-referencing value?)", ctx.line);
        } catch (RuntimeException e) { // an interpreter gap must not escape as an untyped error
            throw new TemplateException("render failed: " + e, ctx.line);
        }
        return out.toString();
    }

    /** Integers to Long, floats to Double, collections copied recursively (values from JSON or callers). */
    private static Object normalize(Object v) {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof java.math.BigDecimal d) {
            return d.doubleValue();
        }
        if (v instanceof java.math.BigInteger b) {
            return b.longValue();
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(o -> out.add(normalize(o)));
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, o) -> out.put(String.valueOf(k), normalize(o)));
            return out;
        }
        return v;
    }

    // ------------------------------------------------------------------ lexing

    private record Seg(char kind, String text, boolean trimLeft, boolean trimRight, int line) {
        // kind: 'T' text, '{' output, '%' statement, '#' comment
    }

    private static List<Seg> lex(String src) {
        List<Seg> raw = new ArrayList<>();
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
                    raw.add(new Seg('T', text.toString(), false, false, line));
                    text.setLength(0);
                }
                raw.add(new Seg(kind, src.substring(start, contentEnd).strip(), trimLeft, trimRight, lineAt(src, i, lines)));
                i = end + 2;
            } else {
                text.append(c);
                i++;
            }
        }
        if (!text.isEmpty()) {
            raw.add(new Seg('T', text.toString(), false, false, line));
        }
        // whitespace control, then trim_blocks / lstrip_blocks
        List<Seg> out = new ArrayList<>();
        for (int k = 0; k < raw.size(); k++) {
            Seg s = raw.get(k);
            if (s.kind() != 'T') {
                out.add(s);
                continue;
            }
            String t = s.text();
            Seg prev = k > 0 ? raw.get(k - 1) : null;
            Seg next = k + 1 < raw.size() ? raw.get(k + 1) : null;
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
                out.add(new Seg('T', t, false, false, s.line()));
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

    // ------------------------------------------------------------------ expression tokens

    private record Tok(char type, String s) {
        // type: 'n' name, 's' string, 'i' integer, 'f' float, 'o' operator, 'e' end
    }

    private static List<Tok> tokens(String src) {
        List<Tok> out = new ArrayList<>();
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
                out.add(new Tok('n', src.substring(i, j)));
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
                out.add(new Tok(isFloat ? 'f' : 'i', src.substring(i, j)));
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
                out.add(new Tok('s', sb.toString()));
                i = j + 1;
            } else {
                String two = i + 1 < n ? src.substring(i, i + 2) : "";
                if (List.of("==", "!=", "<=", ">=", "//", "**").contains(two)) {
                    out.add(new Tok('o', two));
                    i += 2;
                } else if ("+-*/%~()[]{}.,:|=<>!".indexOf(c) >= 0) {
                    out.add(new Tok('o', String.valueOf(c)));
                    i++;
                } else {
                    throw new TemplateException("unexpected character '" + c + "' in: " + src);
                }
            }
        }
        out.add(new Tok('e', ""));
        return out;
    }

    private static String abbreviate(String s) {
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

    // ------------------------------------------------------------------ AST

    private sealed interface Node permits Text, Output, If, For, Set {
        /** The template line the node starts on, for error messages. */
        int line();
    }

    private record Text(String text, int line) implements Node {
    }

    private record Output(Expr expr, int line) implements Node {
    }

    private record If(List<Expr> conditions, List<List<Node>> branches, List<Node> otherwise, int line) implements Node {
    }

    private record For(List<String> vars, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise, int line) implements Node {
    }

    private record Set(String name, String attr, Expr value, int line) implements Node {
    }

    private interface Expr {
        Object eval(Ctx ctx);
    }

    /** The state of one render: scopes, the line being executed and the budget spent so far. */
    private static final class Ctx {
        final Deque<Map<String, Object>> scopes = new ArrayDeque<>();
        final Limits limits;
        long steps;
        int line;

        Ctx(Limits limits) {
            this.limits = limits;
        }

        /** Spends {@code n} steps of the budget. */
        void step(long n) {
            steps += n;
            if (steps > limits.maxSteps()) {
                throw new TemplateException("the template exceeded its budget of " + limits.maxSteps()
                        + " steps (an endless or huge loop?)", line);
            }
        }

        /** Accounts for building a value of {@code size} characters or elements before it is built. */
        void build(long size) {
            if (size > limits.maxOutputChars()) {
                throw new TemplateException("the template built a value of " + size + " characters or items, over the limit of "
                        + limits.maxOutputChars(), line);
            }
            step(1 + size / 16);
        }

        Object get(String name) {
            for (Map<String, Object> s : scopes) {
                if (s.containsKey(name)) {
                    return s.get(name);
                }
            }
            return UNDEFINED;
        }
    }

    // ------------------------------------------------------------------ parsing

    private static final class Parser {
        private final List<Seg> segs;
        private final int maxDepth;
        private int pos;
        private int depth;

        Parser(List<Seg> segs, int maxDepth) {
            this.segs = segs;
            this.maxDepth = maxDepth;
        }

        /** The line of the segment being parsed (the last one at the end of the template). */
        int line() {
            return segs.isEmpty() ? 0 : segs.get(Math.min(pos, segs.size() - 1)).line();
        }

        private ExprParser expr(String text) {
            return new ExprParser(tokens(text), maxDepth);
        }

        List<Node> parseBody() {
            List<Node> body = parseUntil();
            if (pos < segs.size()) {
                throw new TemplateException("unexpected {% " + segs.get(pos).text() + " %}");
            }
            return body;
        }

        private static String keyword(Seg s) {
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
                Seg s = segs.get(pos);
                switch (s.kind()) {
                    case 'T' -> {
                        out.add(new Text(s.text(), s.line()));
                        pos++;
                    }
                    case '#' -> pos++;
                    case '{' -> {
                        out.add(new Output(expr(s.text()).parseFull(), s.line()));
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

        private Node statement(Seg s, String kw) {
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
                        Seg t = segs.get(pos);
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
                    return new If(conds, branches, otherwise, s.line());
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
                    return new For(vars, iterable, filter, body, otherwise, s.line());
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
                    return new Set(name, attr, value, s.line());
                }
                case "generation" -> {
                    List<Node> body = parseUntil("endgeneration");
                    expect("endgeneration");
                    return new If(List.of(c -> true), List.of(body), List.of(), s.line());
                }
                default -> throw new TemplateException("unsupported statement {% " + s.text() + " %}");
            }
        }
    }

    private static final class ExprParser {
        private final List<Tok> toks;
        private final int maxDepth;
        private int p;
        private int depth;

        ExprParser(List<Tok> toks, int maxDepth) {
            this.toks = toks;
            this.maxDepth = maxDepth;
        }

        private Tok peek() {
            return toks.get(Math.min(p, toks.size() - 1));
        }

        private Tok peekAt(int k) {
            return toks.get(Math.min(p + k, toks.size() - 1));
        }

        private void enter() {
            if (++depth > maxDepth) {
                throw new TemplateException("expression nested deeper than " + maxDepth);
            }
        }

        boolean accept(String op) {
            Tok t = peek();
            if (t.type() == 'o' && t.s().equals(op)) {
                p++;
                return true;
            }
            return false;
        }

        boolean acceptName(String name) {
            Tok t = peek();
            if (t.type() == 'n' && t.s().equals(name)) {
                p++;
                return true;
            }
            return false;
        }

        private boolean peekName(String name) {
            Tok t = peek();
            return t.type() == 'n' && t.s().equals(name);
        }

        void expectOp(String op) {
            if (!accept(op)) {
                throw new TemplateException("expected '" + op + "' but found '" + peek().s() + "'");
            }
        }

        String name() {
            Tok t = peek();
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
                Expr other = acceptName("else") ? parseExpr() : c -> UNDEFINED;
                Expr then = e;
                e = c -> truthy(cond.eval(c)) ? then.eval(c) : other.eval(c);
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
                Expr a = l;
                Expr b = parseAnd();
                l = c -> {
                    Object v = a.eval(c);
                    return truthy(v) ? v : b.eval(c);
                };
            }
            return l;
        }

        private Expr parseAnd() {
            Expr l = parseNot();
            while (acceptName("and")) {
                Expr a = l;
                Expr b = parseNot();
                l = c -> {
                    Object v = a.eval(c);
                    return truthy(v) ? b.eval(c) : v;
                };
            }
            return l;
        }

        private Expr parseNot() {
            if (acceptName("not")) {
                enter();
                Expr e = parseNot();
                depth--;
                return c -> !truthy(e.eval(c));
            }
            return parseCompare();
        }

        private Expr parseCompare() {
            Expr l = parseMath1();
            while (true) {
                Tok t = peek();
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
                Expr a = l;
                Expr b = parseMath1();
                String o = op;
                l = c -> compare(o, a.eval(c), b.eval(c));
            }
        }

        private Expr parseMath1() {
            Expr l = parseConcat();
            while (true) {
                if (accept("+")) {
                    Expr a = l;
                    Expr b = parseConcat();
                    l = c -> add(c, a.eval(c), b.eval(c));
                } else if (accept("-")) {
                    Expr a = l;
                    Expr b = parseConcat();
                    l = c -> arith('-', a.eval(c), b.eval(c));
                } else {
                    return l;
                }
            }
        }

        private Expr parseConcat() {
            Expr l = parseMath2();
            while (accept("~")) {
                Expr a = l;
                Expr b = parseMath2();
                l = c -> concat(c, str(a.eval(c)), str(b.eval(c)));
            }
            return l;
        }

        private Expr parseMath2() {
            Expr l = parseUnary();
            while (true) {
                Tok t = peek();
                if (t.type() == 'o' && List.of("*", "/", "//", "%").contains(t.s())) {
                    p++;
                    Expr a = l;
                    Expr b = parseUnary();
                    char op = t.s().equals("//") ? 'd' : t.s().charAt(0);
                    l = c -> arith(op, a.eval(c), b.eval(c));
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
                return c -> arith('-', 0L, e.eval(c));
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
                    Expr base = e;
                    e = c -> filter(c, name, base.eval(c), evalAll(args, c), evalAll(kwargs, c));
                } else if (acceptName("is")) {
                    boolean negate = acceptName("not");
                    String name = name();
                    List<Expr> args = new ArrayList<>();
                    if (accept("(")) {
                        callArgs(args, new LinkedHashMap<>());
                    } else if (peek().type() == 's' || peek().type() == 'i' || peekName("none")) {
                        args.add(parsePrimary());
                    }
                    Expr base = e;
                    e = c -> negate != test(name, base.eval(c), evalAll(args, c));
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
            Tok t = peek();
            p++;
            switch (t.type()) {
                case 's' -> {
                    StringBuilder sb = new StringBuilder(t.s());
                    while (peek().type() == 's') { // adjacent literals concatenate
                        sb.append(peek().s());
                        p++;
                    }
                    String v = sb.toString();
                    return c -> v;
                }
                case 'i' -> {
                    long v;
                    try {
                        v = Long.parseLong(t.s());
                    } catch (NumberFormatException e) {
                        throw new TemplateException("integer literal " + abbreviate(t.s()) + " is out of the 64-bit range");
                    }
                    return c -> v;
                }
                case 'f' -> {
                    double v = Double.parseDouble(t.s());
                    return c -> v;
                }
                case 'n' -> {
                    switch (t.s()) {
                        case "true", "True" -> {
                            return c -> Boolean.TRUE;
                        }
                        case "false", "False" -> {
                            return c -> Boolean.FALSE;
                        }
                        case "none", "None" -> {
                            return c -> null;
                        }
                        default -> {
                            String name = t.s();
                            if (peek().type() == 'o' && peek().s().equals("(")) {
                                p++;
                                List<Expr> args = new ArrayList<>();
                                Map<String, Expr> kwargs = new LinkedHashMap<>();
                                callArgs(args, kwargs);
                                return c -> callFunction(name, c, evalAll(args, c), evalAll(kwargs, c));
                            }
                            return c -> c.get(name);
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
                                return c -> evalAll(items, c);
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
                            return c -> evalAll(items, c);
                        }
                        case "{" -> {
                            List<Expr[]> entries = new ArrayList<>();
                            if (!accept("}")) {
                                do {
                                    if (peek().type() == 'o' && peek().s().equals("}")) {
                                        break;
                                    }
                                    Expr k = parseExpr();
                                    expectOp(":");
                                    entries.add(new Expr[] {k, parseExpr()});
                                } while (accept(","));
                                expectOp("}");
                            }
                            return c -> {
                                Map<String, Object> m = new LinkedHashMap<>();
                                for (Expr[] kv : entries) {
                                    m.put(str(kv[0].eval(c)), kv[1].eval(c));
                                }
                                return m;
                            };
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
                        e = c -> callMethod(c, base.eval(c), attr, evalAll(args, c));
                    } else {
                        e = c -> attribute(base.eval(c), attr);
                    }
                } else if (accept("[")) {
                    Expr base = e;
                    Expr[] parts = new Expr[3];
                    boolean slice = false;
                    int k = 0;
                    while (true) {
                        Tok t = peek();
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
                        e = c -> slice(base.eval(c), parts[0] == null ? null : parts[0].eval(c),
                                parts[1] == null ? null : parts[1].eval(c), parts[2] == null ? null : parts[2].eval(c));
                    } else {
                        Expr idx = parts[0];
                        e = c -> subscript(base.eval(c), idx.eval(c));
                    }
                } else {
                    return e;
                }
            }
        }
    }

    private static List<Object> evalAll(List<Expr> es, Ctx c) {
        c.step(es.size());
        List<Object> out = new ArrayList<>(es.size());
        for (Expr e : es) {
            out.add(e.eval(c));
        }
        return out;
    }

    private static Map<String, Object> evalAll(Map<String, Expr> es, Ctx c) {
        Map<String, Object> out = new LinkedHashMap<>();
        es.forEach((k, v) -> out.put(k, v.eval(c)));
        return out;
    }

    // ------------------------------------------------------------------ execution

    private static void exec(List<Node> nodes, Ctx ctx, StringBuilder out) {
        for (Node n : nodes) {
            ctx.line = n.line();
            ctx.step(1);
            switch (n) {
                case Text t -> append(ctx, out, t.text());
                case Output o -> append(ctx, out, str(o.expr().eval(ctx)));
                case If i -> {
                    boolean done = false;
                    for (int k = 0; k < i.conditions().size() && !done; k++) {
                        if (truthy(i.conditions().get(k).eval(ctx))) {
                            exec(i.branches().get(k), ctx, out);
                            done = true;
                        }
                    }
                    if (!done) {
                        exec(i.otherwise(), ctx, out);
                    }
                }
                case For f -> execFor(f, ctx, out);
                case Set s -> {
                    Object v = s.value().eval(ctx);
                    if (s.attr() == null) {
                        ctx.scopes.peek().put(s.name(), v);
                    } else {
                        Object target = ctx.get(s.name());
                        if (!(target instanceof Namespace ns)) {
                            throw new TemplateException("cannot set attribute '" + s.attr() + "' of " + s.name()
                                    + " (not a namespace)");
                        }
                        ns.put(s.attr(), v);
                    }
                }
            }
        }
    }

    private static void append(Ctx ctx, StringBuilder out, String s) {
        if ((long) out.length() + s.length() > ctx.limits.maxOutputChars()) {
            throw new TemplateException("the rendered text exceeds " + ctx.limits.maxOutputChars() + " characters", ctx.line);
        }
        ctx.step(s.length() / 16);
        out.append(s);
    }

    private static void execFor(For f, Ctx ctx, StringBuilder out) {
        List<Object> items = new ArrayList<>();
        for (Object o : iterate(f.iterable().eval(ctx))) {
            ctx.step(1);
            if (f.filter() != null) {
                ctx.scopes.push(new HashMap<>());
                bind(f.vars(), o, ctx.scopes.peek());
                boolean keep = truthy(f.filter().eval(ctx));
                ctx.scopes.pop();
                if (!keep) {
                    continue;
                }
            }
            items.add(o);
        }
        if (items.isEmpty()) {
            exec(f.otherwise(), ctx, out);
            return;
        }
        int len = items.size();
        for (int i = 0; i < len; i++) {
            ctx.line = f.line();
            ctx.step(1);
            Map<String, Object> scope = new HashMap<>();
            Map<String, Object> loop = new HashMap<>();
            loop.put("index0", (long) i);
            loop.put("index", (long) i + 1);
            loop.put("revindex", (long) (len - i));
            loop.put("revindex0", (long) (len - i - 1));
            loop.put("first", i == 0);
            loop.put("last", i == len - 1);
            loop.put("length", (long) len);
            loop.put("previtem", i > 0 ? items.get(i - 1) : UNDEFINED);
            loop.put("nextitem", i + 1 < len ? items.get(i + 1) : UNDEFINED);
            scope.put("loop", loop);
            bind(f.vars(), items.get(i), scope);
            ctx.scopes.push(scope);
            try {
                exec(f.body(), ctx, out);
            } finally {
                ctx.scopes.pop();
            }
        }
    }

    private static void bind(List<String> vars, Object item, Map<String, Object> scope) {
        if (vars.size() == 1) {
            scope.put(vars.get(0), item);
            return;
        }
        List<Object> parts = iterate(item);
        if (parts.size() != vars.size()) {
            throw new TemplateException("cannot unpack " + parts.size() + " values into " + vars);
        }
        for (int i = 0; i < vars.size(); i++) {
            scope.put(vars.get(i), parts.get(i));
        }
    }

    /** The mutable object {@code namespace()} returns. */
    private static final class Namespace extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
    }

    // ------------------------------------------------------------------ values

    static boolean truthy(Object v) {
        if (v == null || v == UNDEFINED) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    static String str(Object v) {
        if (v == null) {
            return "None";
        }
        if (v == UNDEFINED) {
            return "";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof List<?> || v instanceof Map<?, ?>) {
            return pyRepr(v);
        }
        return v.toString();
    }

    private static String pyRepr(Object v) {
        StringBuilder sb = new StringBuilder();
        pyRepr(v, sb, 0);
        return sb.toString();
    }

    /** Python's repr of a value; hard-capped because it runs outside a render's budget (in {@code str}). */
    private static void pyRepr(Object v, StringBuilder sb, int depth) {
        if (depth > MAX_REPR_DEPTH || sb.length() > MAX_REPR_CHARS) {
            throw new TemplateException(depth > MAX_REPR_DEPTH ? "value nested deeper than " + MAX_REPR_DEPTH
                    + " (a self-referencing value?)" : "value text over " + MAX_REPR_CHARS + " characters");
        }
        if (v instanceof String s) {
            sb.append('\'').append(s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")).append('\'');
        } else if (v instanceof List<?> l) {
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                sb.append(i > 0 ? ", " : "");
                pyRepr(l.get(i), sb, depth + 1);
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : ", ");
                pyRepr(e.getKey(), sb, depth + 1);
                sb.append(": ");
                pyRepr(e.getValue(), sb, depth + 1);
                first = false;
            }
            sb.append('}');
        } else {
            sb.append(str(v));
        }
    }

    private static List<Object> iterate(Object v) {
        if (v == null || v == UNDEFINED) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (v instanceof String s) {
            List<Object> out = new ArrayList<>();
            s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
            return out;
        }
        throw new TemplateException("cannot iterate over " + v);
    }

    private static boolean isNumber(Object v) {
        return v instanceof Number;
    }

    private static String concat(Ctx c, String a, String b) {
        c.build((long) a.length() + b.length());
        return a + b;
    }

    private static Object add(Ctx c, Object a, Object b) {
        if (a instanceof String || b instanceof String) {
            if (a instanceof String x && b instanceof String y) {
                return concat(c, x, y);
            }
            if (a == UNDEFINED || b == UNDEFINED) {
                return concat(c, str(a), str(b));
            }
            throw new TemplateException("cannot add " + typeName(a) + " and " + typeName(b));
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            c.build((long) x.size() + y.size());
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return out;
        }
        return arith('+', a, b);
    }

    private static String typeName(Object v) {
        return v == null ? "none" : v == UNDEFINED ? "undefined" : v.getClass().getSimpleName();
    }

    private static Object arith(char op, Object a, Object b) {
        if (a instanceof Boolean x) {
            a = x ? 1L : 0L;
        }
        if (b instanceof Boolean x) {
            b = x ? 1L : 0L;
        }
        if (!isNumber(a) || !isNumber(b)) {
            throw new TemplateException("unsupported operand types for " + op + ": " + typeName(a) + " and " + typeName(b));
        }
        if ((op == '/' || op == 'd' || op == '%') && ((Number) b).doubleValue() == 0) {
            throw new TemplateException(op == '%' ? "modulo by zero" : "division by zero");
        }
        if (a instanceof Long x && b instanceof Long y && op != '/') {
            return switch (op) {
                case '+' -> x + y;
                case '-' -> x - y;
                case '*' -> x * y;
                case 'd' -> Math.floorDiv(x, y);
                case '%' -> Math.floorMod(x, y);
                default -> throw new TemplateException("bad operator " + op);
            };
        }
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        return switch (op) {
            case '+' -> x + y;
            case '-' -> x - y;
            case '*' -> x * y;
            case '/' -> x / y;
            case 'd' -> Math.floor(x / y);
            case '%' -> x - Math.floor(x / y) * y;
            default -> throw new TemplateException("bad operator " + op);
        };
    }

    private static boolean eq(Object a, Object b) {
        if (a == UNDEFINED) {
            a = null;
        }
        if (b == UNDEFINED) {
            b = null;
        }
        if (isNumber(a) && isNumber(b)) {
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        return java.util.Objects.equals(a, b);
    }

    private static Object compare(String op, Object a, Object b) {
        switch (op) {
            case "==":
                return eq(a, b);
            case "!=":
                return !eq(a, b);
            case "in":
                return contains(b, a);
            case "not in":
                return !contains(b, a);
            default:
                break;
        }
        int c;
        if (isNumber(a) && isNumber(b)) {
            c = Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
        } else if (a instanceof String x && b instanceof String y) {
            c = x.compareTo(y);
        } else {
            throw new TemplateException("cannot compare " + typeName(a) + " and " + typeName(b));
        }
        return switch (op) {
            case "<" -> c < 0;
            case ">" -> c > 0;
            case "<=" -> c <= 0;
            default -> c >= 0;
        };
    }

    private static boolean contains(Object container, Object item) {
        if (container instanceof String s) {
            return s.contains(str(item));
        }
        if (container instanceof List<?> l) {
            for (Object o : l) {
                if (eq(o, item)) {
                    return true;
                }
            }
            return false;
        }
        if (container instanceof Map<?, ?> m) {
            return m.containsKey(item);
        }
        if (container == null || container == UNDEFINED) {
            throw new TemplateException("argument of type " + typeName(container) + " is not iterable");
        }
        return false;
    }

    private static Object attribute(Object base, String attr) {
        if (base instanceof Map<?, ?> m) {
            return m.containsKey(attr) ? m.get(attr) : UNDEFINED;
        }
        return UNDEFINED;
    }

    private static Object subscript(Object base, Object idx) {
        if (base instanceof Map<?, ?> m) {
            Object k = idx instanceof String ? idx : str(idx);
            return m.containsKey(k) ? m.get(k) : UNDEFINED;
        }
        if (base instanceof List<?> l && idx instanceof Long i) {
            long j = i < 0 ? l.size() + i : i;
            return j >= 0 && j < l.size() ? l.get((int) j) : UNDEFINED;
        }
        if (base instanceof String s && idx instanceof Long i) {
            long j = i < 0 ? s.length() + i : i;
            return j >= 0 && j < s.length() ? String.valueOf(s.charAt((int) j)) : UNDEFINED;
        }
        if (base == UNDEFINED || base == null) {
            return UNDEFINED;
        }
        return attribute(base, str(idx));
    }

    private static Object slice(Object base, Object start, Object stop, Object step) {
        List<Object> items;
        boolean isString = base instanceof String;
        if (isString) {
            items = new ArrayList<>();
            for (char ch : ((String) base).toCharArray()) {
                items.add(String.valueOf(ch));
            }
        } else if (base instanceof List<?> l) {
            items = new ArrayList<>(l);
        } else {
            throw new TemplateException("cannot slice " + typeName(base));
        }
        int n = items.size();
        long st = step == null ? 1 : sliceIndex(step);
        if (st == 0) {
            throw new TemplateException("slice step cannot be zero");
        }
        List<Object> out = new ArrayList<>();
        if (st > 0) {
            long a = start == null ? 0 : clampIndex(sliceIndex(start), n, 0, n);
            long b = stop == null ? n : clampIndex(sliceIndex(stop), n, 0, n);
            for (long i = a; i < b; i += st) {
                out.add(items.get((int) i));
            }
        } else {
            long a = start == null ? n - 1 : clampIndex(sliceIndex(start), n, -1, n - 1);
            long b = stop == null ? -1 : clampIndex(sliceIndex(stop), n, -1, n - 1);
            for (long i = a; i > b; i += st) {
                out.add(items.get((int) i));
            }
        }
        if (isString) {
            StringBuilder sb = new StringBuilder();
            out.forEach(o -> sb.append((String) o));
            return sb.toString();
        }
        return out;
    }

    private static long sliceIndex(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        throw new TemplateException("slice indices must be integers or none, got " + typeName(v));
    }

    private static long clampIndex(long i, int n, long lo, long hi) {
        if (i < 0) {
            i += n;
        }
        return Math.max(lo, Math.min(hi, i));
    }

    private static String stripChars(String s, Object chars, boolean left, boolean right) {
        String set = chars == null || chars == UNDEFINED ? null : str(chars);
        int a = 0;
        int b = s.length();
        while (left && a < b && (set == null ? Character.isWhitespace(s.charAt(a)) : set.indexOf(s.charAt(a)) >= 0)) {
            a++;
        }
        while (right && b > a && (set == null ? Character.isWhitespace(s.charAt(b - 1)) : set.indexOf(s.charAt(b - 1)) >= 0)) {
            b--;
        }
        return s.substring(a, b);
    }

    private static Object arg(List<Object> args, int i) {
        return i < args.size() ? args.get(i) : null;
    }

    /** A required positional argument of {@code function}. */
    private static Object need(List<Object> args, int i, String function) {
        if (i >= args.size()) {
            throw new TemplateException(function + "() takes at least " + (i + 1) + " argument" + (i == 0 ? "" : "s")
                    + " (" + args.size() + " given)");
        }
        return args.get(i);
    }

    private static String replace(Ctx c, String s, String target, String replacement) {
        if (target.isEmpty()) {
            c.build((long) (s.length() + 1) * replacement.length() + s.length());
        } else {
            long count = 0;
            for (int i = s.indexOf(target); i >= 0; i = s.indexOf(target, i + target.length())) {
                count++;
            }
            c.build(s.length() + count * (replacement.length() - target.length()));
        }
        return s.replace(target, replacement);
    }

    private static Object callMethod(Ctx c, Object base, String name, List<Object> args) {
        if (base instanceof String s) {
            switch (name) {
                case "strip":
                    return stripChars(s, arg(args, 0), true, true);
                case "lstrip":
                    return stripChars(s, arg(args, 0), true, false);
                case "rstrip":
                    return stripChars(s, arg(args, 0), false, true);
                case "startswith":
                    return s.startsWith(str(need(args, 0, name)));
                case "endswith":
                    return s.endsWith(str(need(args, 0, name)));
                case "upper":
                    return s.toUpperCase(java.util.Locale.ROOT);
                case "lower":
                    return s.toLowerCase(java.util.Locale.ROOT);
                case "title":
                case "capitalize":
                    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(java.util.Locale.ROOT);
                case "replace":
                    return replace(c, s, str(need(args, 0, name)), str(need(args, 1, name)));
                case "find":
                    return (long) s.indexOf(str(need(args, 0, name)));
                case "count": {
                    String t = str(need(args, 0, name));
                    long n = 0;
                    for (int i = s.indexOf(t); i >= 0 && !t.isEmpty(); i = s.indexOf(t, i + t.length())) {
                        n++;
                    }
                    return n;
                }
                case "split": {
                    List<Object> out = new ArrayList<>();
                    Object sep = arg(args, 0);
                    if (sep == null || sep == UNDEFINED) {
                        for (String part : s.strip().split("\\s+")) {
                            if (!part.isEmpty()) {
                                out.add(part);
                            }
                        }
                        return out;
                    }
                    String t = str(sep);
                    if (t.isEmpty()) { // Python's ValueError; an empty separator would also never advance below
                        throw new TemplateException("split(): empty separator");
                    }
                    int from = 0;
                    for (int i = s.indexOf(t); i >= 0; i = s.indexOf(t, from)) {
                        out.add(s.substring(from, i));
                        from = i + t.length();
                    }
                    out.add(s.substring(from));
                    return out;
                }
                case "join": {
                    StringBuilder sb = new StringBuilder();
                    List<Object> items = iterate(need(args, 0, name));
                    for (int i = 0; i < items.size(); i++) {
                        String item = str(items.get(i));
                        c.build((long) sb.length() + (i > 0 ? s.length() : 0) + item.length());
                        sb.append(i > 0 ? s : "").append(item);
                    }
                    return sb.toString();
                }
                default:
                    break;
            }
        } else if (base instanceof Map<?, ?> m) {
            switch (name) {
                case "items": {
                    List<Object> out = new ArrayList<>();
                    m.forEach((k, v) -> out.add(List.of(k, v == null ? UNDEFINED : v)));
                    out.replaceAll(o -> fixNulls((List<?>) o, m));
                    return out;
                }
                case "keys":
                    return new ArrayList<>(m.keySet());
                case "values":
                    return new ArrayList<>(m.values());
                case "get": {
                    Object k = need(args, 0, name);
                    return m.containsKey(k) ? m.get(k) : arg(args, 1);
                }
                default:
                    break;
            }
        }
        throw new TemplateException("unknown method " + name + "() on " + typeName(base));
    }

    private static List<Object> fixNulls(List<?> kv, Map<?, ?> m) {
        List<Object> out = new ArrayList<>(2);
        out.add(kv.get(0));
        out.add(m.get(kv.get(0)));
        return out;
    }

    private static Object callFunction(String name, Ctx ctx, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "raise_exception":
                throw new TemplateException("chat template raised: " + str(arg(args, 0)));
            case "namespace": {
                Namespace ns = new Namespace();
                ns.putAll(kwargs);
                return ns;
            }
            case "range": {
                need(args, 0, name);
                long a = args.size() > 1 ? rangeArg(args.get(0)) : 0;
                long b = rangeArg(args.get(args.size() > 1 ? 1 : 0));
                long step = args.size() > 2 ? rangeArg(args.get(2)) : 1;
                if (step == 0) {
                    throw new TemplateException("range() step must not be zero");
                }
                long count = step > 0 ? (b > a ? (b - a - 1) / step + 1 : 0) : (a > b ? (a - b - 1) / -step + 1 : 0);
                if (count < 0) { // the span overflowed a long
                    count = Long.MAX_VALUE;
                }
                ctx.build(count);
                List<Object> out = new ArrayList<>((int) count);
                for (long i = 0, v = a; i < count; i++, v += step) {
                    out.add(v);
                }
                return out;
            }
            case "dict":
                return new LinkedHashMap<>(kwargs);
            default: {
                Object f = ctx.get(name);
                throw new TemplateException("unknown function " + name + "()" + (f == UNDEFINED ? "" : " (not callable)"));
            }
        }
    }

    private static long rangeArg(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new TemplateException("range() arguments must be integers, got " + typeName(v));
    }

    private static Object filter(Ctx c, String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "trim":
                return stripChars(str(v), arg(args, 0), true, true);
            case "length":
            case "count":
                if (v instanceof String s) {
                    return (long) s.codePointCount(0, s.length());
                }
                if (v instanceof List<?> l) {
                    return (long) l.size();
                }
                if (v instanceof Map<?, ?> m) {
                    return (long) m.size();
                }
                throw new TemplateException("object of type " + typeName(v) + " has no length");
            case "tojson": {
                Object indent = kwargs.getOrDefault("indent", arg(args, 0));
                int spaces = indent instanceof Long l ? (int) Math.max(-1, Math.min(l, MAX_INDENT + 1)) : -1;
                if (spaces > MAX_INDENT) {
                    throw new TemplateException("tojson indent " + indent + " is over " + MAX_INDENT);
                }
                StringBuilder sb = new StringBuilder();
                toJson(v, sb, spaces, 0, c.limits);
                c.build(sb.length());
                return sb.toString();
            }
            case "string":
                return str(v);
            case "upper":
                return str(v).toUpperCase(java.util.Locale.ROOT);
            case "lower":
                return str(v).toLowerCase(java.util.Locale.ROOT);
            case "capitalize":
                return callMethod(c, str(v), "capitalize", List.of());
            case "default":
            case "d": {
                boolean bool = truthy(kwargs.getOrDefault("boolean", arg(args, 1)));
                return v == UNDEFINED || (bool && !truthy(v)) ? arg(args, 0) : v;
            }
            case "first": {
                List<Object> l = iterate(v);
                return l.isEmpty() ? UNDEFINED : l.get(0);
            }
            case "last": {
                List<Object> l = iterate(v);
                return l.isEmpty() ? UNDEFINED : l.get(l.size() - 1);
            }
            case "join":
                return callMethod(c, args.isEmpty() ? "" : str(args.get(0)), "join", List.of(v));
            case "list":
                return iterate(v);
            case "reverse": {
                if (v instanceof String s) {
                    return new StringBuilder(s).reverse().toString();
                }
                List<Object> l = iterate(v);
                java.util.Collections.reverse(l);
                return l;
            }
            case "replace":
                return replace(c, str(v), str(need(args, 0, name)), str(need(args, 1, name)));
            case "items":
                return callMethod(c, v, "items", List.of());
            case "int":
                if (v instanceof Number n) {
                    return n.longValue();
                }
                try {
                    return Long.parseLong(str(v).strip());
                } catch (NumberFormatException e) {
                    return 0L;
                }
            case "abs":
                if (v instanceof Long l) {
                    return Math.abs(l);
                }
                if (v instanceof Number n) {
                    return Math.abs(n.doubleValue());
                }
                throw new TemplateException("bad operand type for abs(): " + typeName(v));
            case "safe":
            case "e":
            case "escape":
                return v;
            default:
                throw new TemplateException("unknown filter '" + name + "'");
        }
    }

    private static boolean test(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> v != UNDEFINED;
            case "undefined" -> v == UNDEFINED;
            case "none" -> v == null;
            case "string" -> v instanceof String;
            case "number" -> v instanceof Number;
            case "integer" -> v instanceof Long;
            case "float" -> v instanceof Double;
            case "boolean" -> v instanceof Boolean;
            case "true" -> Boolean.TRUE.equals(v);
            case "false" -> Boolean.FALSE.equals(v);
            case "mapping" -> v instanceof Map;
            case "sequence", "iterable" -> v instanceof List || v instanceof String || v instanceof Map;
            case "even" -> v instanceof Long l && l % 2 == 0;
            case "odd" -> v instanceof Long l && l % 2 != 0;
            case "eq", "equalto", "==" -> eq(v, arg(args, 0));
            case "ne", "!=" -> !eq(v, arg(args, 0));
            default -> throw new TemplateException("unknown test '" + name + "'");
        };
    }

    /** JSON as Python's json.dumps(ensure_ascii=False) writes it (", " and ": " separators). */
    private static void toJson(Object v, StringBuilder sb, int indent, int depth, Limits limits) {
        if (depth > limits.maxDepth() || sb.length() > limits.maxOutputChars()) {
            throw new TemplateException(depth > limits.maxDepth() ? "tojson: value nested deeper than " + limits.maxDepth()
                    + " (a self-referencing value?)" : "tojson: output over " + limits.maxOutputChars() + " characters");
        }
        if (v == null || v == UNDEFINED) {
            sb.append("null");
        } else if (v instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof String s) {
            sb.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> sb.append("\\\"");
                    case '\\' -> sb.append("\\\\");
                    case '\n' -> sb.append("\\n");
                    case '\r' -> sb.append("\\r");
                    case '\t' -> sb.append("\\t");
                    case '\b' -> sb.append("\\b");
                    case '\f' -> sb.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                    }
                }
            }
            sb.append('"');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < l.size(); i++) {
                sb.append(i > 0 ? (indent >= 0 ? "," : ", ") : "");
                newline(sb, indent, depth + 1);
                toJson(l.get(i), sb, indent, depth + 1, limits);
            }
            newline(sb, indent, depth);
            sb.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                sb.append(first ? "" : (indent >= 0 ? "," : ", "));
                first = false;
                newline(sb, indent, depth + 1);
                toJson(String.valueOf(e.getKey()), sb, indent, depth + 1, limits);
                sb.append(": ");
                toJson(e.getValue(), sb, indent, depth + 1, limits);
            }
            newline(sb, indent, depth);
            sb.append('}');
        } else {
            toJson(v.toString(), sb, indent, depth, limits);
        }
    }

    private static void newline(StringBuilder sb, int indent, int depth) {
        if (indent >= 0) {
            sb.append('\n').append(" ".repeat(indent * depth));
        }
    }
}
