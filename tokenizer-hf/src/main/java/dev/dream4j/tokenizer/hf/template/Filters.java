package dev.dream4j.tokenizer.hf.template;

import java.util.List;
import java.util.Map;

/** Filters ({@code x | trim}), tests ({@code x is defined}) and {@code tojson}, as Python's json.dumps writes it. */
final class Filters {
    private static final int MAX_INDENT = 64;

    private Filters() {
    }

    static Object filter(RenderContext c, String name, Object v, List<Object> args, Map<String, Object> kwargs) {
        switch (name) {
            case "trim":
                return Methods.stripChars(Values.str(v), Builtins.arg(args, 0), true, true);
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
                throw new TemplateException("object of type " + Values.typeName(v) + " has no length");
            case "tojson": {
                Object indent = kwargs.getOrDefault("indent", Builtins.arg(args, 0));
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
                return Values.str(v);
            case "upper":
                return Values.str(v).toUpperCase(java.util.Locale.ROOT);
            case "lower":
                return Values.str(v).toLowerCase(java.util.Locale.ROOT);
            case "capitalize":
                return Methods.callMethod(c, Values.str(v), "capitalize", List.of());
            case "default":
            case "d": {
                boolean bool = Values.truthy(kwargs.getOrDefault("boolean", Builtins.arg(args, 1)));
                return v == Values.UNDEFINED || (bool && !Values.truthy(v)) ? Builtins.arg(args, 0) : v;
            }
            case "first": {
                List<Object> l = Values.iterate(v);
                return l.isEmpty() ? Values.UNDEFINED : l.get(0);
            }
            case "last": {
                List<Object> l = Values.iterate(v);
                return l.isEmpty() ? Values.UNDEFINED : l.get(l.size() - 1);
            }
            case "join":
                return Methods.callMethod(c, args.isEmpty() ? "" : Values.str(args.get(0)), "join", List.of(v));
            case "list":
                return Values.iterate(v);
            case "reverse": {
                if (v instanceof String s) {
                    return new StringBuilder(s).reverse().toString();
                }
                List<Object> l = Values.iterate(v);
                java.util.Collections.reverse(l);
                return l;
            }
            case "replace":
                return Methods.replace(c, Values.str(v), Values.str(Builtins.need(args, 0, name)), Values.str(Builtins.need(args, 1, name)));
            case "items":
                return Methods.callMethod(c, v, "items", List.of());
            case "int":
                if (v instanceof Number n) {
                    return n.longValue();
                }
                try {
                    return Long.parseLong(Values.str(v).strip());
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
                throw new TemplateException("bad operand type for abs(): " + Values.typeName(v));
            case "safe":
            case "e":
            case "escape":
                return v;
            default:
                throw new TemplateException("unknown filter '" + name + "'");
        }
    }

    static boolean test(String name, Object v, List<Object> args) {
        return switch (name) {
            case "defined" -> v != Values.UNDEFINED;
            case "undefined" -> v == Values.UNDEFINED;
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
            case "eq", "equalto", "==" -> Operators.eq(v, Builtins.arg(args, 0));
            case "ne", "!=" -> !Operators.eq(v, Builtins.arg(args, 0));
            default -> throw new TemplateException("unknown test '" + name + "'");
        };
    }

    /** JSON as Python's json.dumps(ensure_ascii=False) writes it (", " and ": " separators). */
    private static void toJson(Object v, StringBuilder sb, int indent, int depth, Limits limits) {
        if (depth > limits.maxDepth() || sb.length() > limits.maxOutputChars()) {
            throw new TemplateException(depth > limits.maxDepth() ? "tojson: value nested deeper than " + limits.maxDepth()
                    + " (a self-referencing value?)" : "tojson: output over " + limits.maxOutputChars() + " characters");
        }
        if (v == null || v == Values.UNDEFINED) {
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
