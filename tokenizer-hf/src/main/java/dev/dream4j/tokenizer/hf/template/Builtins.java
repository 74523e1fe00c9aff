package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The global functions ({@code namespace()}, {@code range()}, {@code raise_exception()}, ...) and argument access. */
final class Builtins {
    private Builtins() {
    }

    static Object arg(List<Object> args, int i) {
        return i < args.size() ? args.get(i) : null;
    }

    /** A required positional argument of {@code function}. */
    static Object need(List<Object> args, int i, String function) {
        if (i >= args.size()) {
            throw new TemplateException(function + "() takes at least " + (i + 1) + " argument" + (i == 0 ? "" : "s")
                    + " (" + args.size() + " given)");
        }
        return args.get(i);
    }

    static Object callFunction(String name, RenderContext ctx, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "raise_exception":
                throw new TemplateException("chat template raised: " + Values.str(arg(args, 0)));
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
                throw new TemplateException("unknown function " + name + "()" + (f == Values.UNDEFINED ? "" : " (not callable)"));
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
        throw new TemplateException("range() arguments must be integers, got " + Values.typeName(v));
    }
}
