package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Template values (Python's semantics over Java objects): undefined, truthiness, {@code str}, repr, iteration. */
final class Values {
    private Values() {
    }

    /** Jinja's undefined: a missing variable, attribute or item; falsy, renders as nothing. */
    static final Object UNDEFINED = new Object() {
        @Override
        public String toString() {
            return "";
        }
    };

    /** {@code str()} of a list or dict is built outside a render's budget, so it has fixed caps. */
    private static final int MAX_REPR_CHARS = 16 << 20;
    private static final int MAX_REPR_DEPTH = 256;

    /** Integers to Long, floats to Double, collections copied recursively (values from JSON or callers). */
    static Object normalize(Object v) {
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

    static List<Object> iterate(Object v) {
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

    static boolean isNumber(Object v) {
        return v instanceof Number;
    }

    static String typeName(Object v) {
        return v == null ? "none" : v == UNDEFINED ? "undefined" : v.getClass().getSimpleName();
    }
}
