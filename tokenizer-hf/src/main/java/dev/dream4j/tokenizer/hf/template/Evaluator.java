package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs parsed {@link Node}s and evaluates {@link Expr}s in a {@link RenderContext}: every executed node, loop iteration
 * and evaluated list item spends budget, so a hostile template stops with a {@link TemplateException}.
 */
final class Evaluator {
    private Evaluator() {
    }

    /** The value of {@code e}; operands left to right, {@code and}/{@code or}/conditionals lazily, as Jinja does. */
    static Object eval(Expr e, RenderContext c) {
        return switch (e) {
            case Expr.Literal l -> l.value();
            case Expr.Variable v -> c.get(v.name());
            case Expr.Conditional k -> Values.truthy(eval(k.condition(), c)) ? eval(k.then(), c) : eval(k.otherwise(), c);
            case Expr.Or o -> {
                Object v = eval(o.left(), c);
                yield Values.truthy(v) ? v : eval(o.right(), c);
            }
            case Expr.And a -> {
                Object v = eval(a.left(), c);
                yield Values.truthy(v) ? eval(a.right(), c) : v;
            }
            case Expr.Not n -> !Values.truthy(eval(n.operand(), c));
            case Expr.Compare k -> Operators.compare(k.op(), eval(k.left(), c), eval(k.right(), c));
            case Expr.Add a -> Operators.add(c, eval(a.left(), c), eval(a.right(), c));
            case Expr.Arith a -> Operators.arith(a.op(), eval(a.left(), c), eval(a.right(), c));
            case Expr.Concat k -> Operators.concat(c, Values.str(eval(k.left(), c)), Values.str(eval(k.right(), c)));
            case Expr.Filter f -> Filters.filter(c, f.name(), eval(f.base(), c), evalAll(f.args(), c), evalAll(f.kwargs(), c));
            case Expr.Test t -> t.negate() != Filters.test(t.name(), eval(t.base(), c), evalAll(t.args(), c));
            case Expr.Call k -> Builtins.callFunction(k.name(), c, evalAll(k.args(), c), evalAll(k.kwargs(), c));
            case Expr.ListOf l -> evalAll(l.items(), c);
            case Expr.DictOf d -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Expr.Entry kv : d.entries()) {
                    m.put(Values.str(eval(kv.key(), c)), eval(kv.value(), c));
                }
                yield m;
            }
            case Expr.Attribute a -> Operators.attribute(eval(a.base(), c), a.name());
            case Expr.MethodCall m -> Methods.callMethod(c, eval(m.base(), c), m.name(), evalAll(m.args(), c));
            case Expr.Subscript s -> Operators.subscript(eval(s.base(), c), eval(s.index(), c));
            case Expr.Slice s -> Operators.slice(eval(s.base(), c), evalOrNull(s.start(), c), evalOrNull(s.stop(), c),
                    evalOrNull(s.step(), c));
        };
    }

    private static Object evalOrNull(Expr e, RenderContext c) {
        return e == null ? null : eval(e, c);
    }

    private static List<Object> evalAll(List<Expr> es, RenderContext c) {
        c.step(es.size());
        List<Object> out = new ArrayList<>(es.size());
        for (Expr e : es) {
            out.add(eval(e, c));
        }
        return out;
    }

    private static Map<String, Object> evalAll(Map<String, Expr> es, RenderContext c) {
        Map<String, Object> out = new LinkedHashMap<>();
        es.forEach((k, v) -> out.put(k, eval(v, c)));
        return out;
    }

    static void exec(List<Node> nodes, RenderContext ctx, StringBuilder out) {
        for (Node n : nodes) {
            ctx.line = n.line();
            ctx.step(1);
            switch (n) {
                case Node.Text t -> append(ctx, out, t.text());
                case Node.Output o -> append(ctx, out, Values.str(eval(o.expr(), ctx)));
                case Node.If i -> {
                    boolean done = false;
                    for (int k = 0; k < i.conditions().size() && !done; k++) {
                        if (Values.truthy(eval(i.conditions().get(k), ctx))) {
                            exec(i.branches().get(k), ctx, out);
                            done = true;
                        }
                    }
                    if (!done) {
                        exec(i.otherwise(), ctx, out);
                    }
                }
                case Node.For f -> execFor(f, ctx, out);
                case Node.Set s -> {
                    Object v = eval(s.value(), ctx);
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

    private static void append(RenderContext ctx, StringBuilder out, String s) {
        if ((long) out.length() + s.length() > ctx.limits.maxOutputChars()) {
            throw new TemplateException("the rendered text exceeds " + ctx.limits.maxOutputChars() + " characters", ctx.line);
        }
        ctx.step(s.length() / 16);
        out.append(s);
    }

    private static void execFor(Node.For f, RenderContext ctx, StringBuilder out) {
        List<Object> items = new ArrayList<>();
        for (Object o : Values.iterate(eval(f.iterable(), ctx))) {
            ctx.step(1);
            if (f.filter() != null) {
                ctx.scopes.push(new HashMap<>());
                bind(f.vars(), o, ctx.scopes.peek());
                boolean keep = Values.truthy(eval(f.filter(), ctx));
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
            loop.put("previtem", i > 0 ? items.get(i - 1) : Values.UNDEFINED);
            loop.put("nextitem", i + 1 < len ? items.get(i + 1) : Values.UNDEFINED);
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
        List<Object> parts = Values.iterate(item);
        if (parts.size() != vars.size()) {
            throw new TemplateException("cannot unpack " + parts.size() + " values into " + vars);
        }
        for (int i = 0; i < vars.size(); i++) {
            scope.put(vars.get(i), parts.get(i));
        }
    }
}
