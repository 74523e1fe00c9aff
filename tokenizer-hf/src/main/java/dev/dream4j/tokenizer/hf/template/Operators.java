package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The expression operators: arithmetic, concatenation, comparison, membership, attribute and item access, slicing. */
final class Operators {
    private Operators() {
    }

    static String concat(RenderContext c, String a, String b) {
        c.build((long) a.length() + b.length());
        return a + b;
    }

    static Object add(RenderContext c, Object a, Object b) {
        if (a instanceof String || b instanceof String) {
            if (a instanceof String x && b instanceof String y) {
                return concat(c, x, y);
            }
            if (a == Values.UNDEFINED || b == Values.UNDEFINED) {
                return concat(c, Values.str(a), Values.str(b));
            }
            throw new TemplateException("cannot add " + Values.typeName(a) + " and " + Values.typeName(b));
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            c.build((long) x.size() + y.size());
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return out;
        }
        return arith('+', a, b);
    }

    static Object arith(char op, Object a, Object b) {
        if (a instanceof Boolean x) {
            a = x ? 1L : 0L;
        }
        if (b instanceof Boolean x) {
            b = x ? 1L : 0L;
        }
        if (!Values.isNumber(a) || !Values.isNumber(b)) {
            throw new TemplateException("unsupported operand types for " + op + ": " + Values.typeName(a) + " and " + Values.typeName(b));
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

    static boolean eq(Object a, Object b) {
        if (a == Values.UNDEFINED) {
            a = null;
        }
        if (b == Values.UNDEFINED) {
            b = null;
        }
        if (Values.isNumber(a) && Values.isNumber(b)) {
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        return java.util.Objects.equals(a, b);
    }

    static Object compare(String op, Object a, Object b) {
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
        if (Values.isNumber(a) && Values.isNumber(b)) {
            c = Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
        } else if (a instanceof String x && b instanceof String y) {
            c = x.compareTo(y);
        } else {
            throw new TemplateException("cannot compare " + Values.typeName(a) + " and " + Values.typeName(b));
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
            return s.contains(Values.str(item));
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
        if (container == null || container == Values.UNDEFINED) {
            throw new TemplateException("argument of type " + Values.typeName(container) + " is not iterable");
        }
        return false;
    }

    static Object attribute(Object base, String attr) {
        if (base instanceof Map<?, ?> m) {
            return m.containsKey(attr) ? m.get(attr) : Values.UNDEFINED;
        }
        return Values.UNDEFINED;
    }

    static Object subscript(Object base, Object idx) {
        if (base instanceof Map<?, ?> m) {
            Object k = idx instanceof String ? idx : Values.str(idx);
            return m.containsKey(k) ? m.get(k) : Values.UNDEFINED;
        }
        if (base instanceof List<?> l && idx instanceof Long i) {
            long j = i < 0 ? l.size() + i : i;
            return j >= 0 && j < l.size() ? l.get((int) j) : Values.UNDEFINED;
        }
        if (base instanceof String s && idx instanceof Long i) {
            long j = i < 0 ? s.length() + i : i;
            return j >= 0 && j < s.length() ? String.valueOf(s.charAt((int) j)) : Values.UNDEFINED;
        }
        if (base == Values.UNDEFINED || base == null) {
            return Values.UNDEFINED;
        }
        return attribute(base, Values.str(idx));
    }

    static Object slice(Object base, Object start, Object stop, Object step) {
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
            throw new TemplateException("cannot slice " + Values.typeName(base));
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
        throw new TemplateException("slice indices must be integers or none, got " + Values.typeName(v));
    }

    private static long clampIndex(long i, int n, long lo, long hi) {
        if (i < 0) {
            i += n;
        }
        return Math.max(lo, Math.min(hi, i));
    }
}
