package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The string, dict and list methods a template may call ({@code s.strip()}, {@code d.items()}, ...). */
final class Methods {
    private Methods() {
    }

    static String stripChars(String s, Object chars, boolean left, boolean right) {
        String set = chars == null || chars == Values.UNDEFINED ? null : Values.str(chars);
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

    static String replace(RenderContext c, String s, String target, String replacement) {
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

    static Object callMethod(RenderContext c, Object base, String name, List<Object> args) {
        if (base instanceof String s) {
            switch (name) {
                case "strip":
                    return stripChars(s, Builtins.arg(args, 0), true, true);
                case "lstrip":
                    return stripChars(s, Builtins.arg(args, 0), true, false);
                case "rstrip":
                    return stripChars(s, Builtins.arg(args, 0), false, true);
                case "startswith":
                    return s.startsWith(Values.str(Builtins.need(args, 0, name)));
                case "endswith":
                    return s.endsWith(Values.str(Builtins.need(args, 0, name)));
                case "upper":
                    return s.toUpperCase(java.util.Locale.ROOT);
                case "lower":
                    return s.toLowerCase(java.util.Locale.ROOT);
                case "title":
                case "capitalize":
                    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(java.util.Locale.ROOT);
                case "replace":
                    return replace(c, s, Values.str(Builtins.need(args, 0, name)), Values.str(Builtins.need(args, 1, name)));
                case "find":
                    return (long) s.indexOf(Values.str(Builtins.need(args, 0, name)));
                case "count": {
                    String t = Values.str(Builtins.need(args, 0, name));
                    long n = 0;
                    for (int i = s.indexOf(t); i >= 0 && !t.isEmpty(); i = s.indexOf(t, i + t.length())) {
                        n++;
                    }
                    return n;
                }
                case "split": {
                    List<Object> out = new ArrayList<>();
                    Object sep = Builtins.arg(args, 0);
                    if (sep == null || sep == Values.UNDEFINED) {
                        for (String part : s.strip().split("\\s+")) {
                            if (!part.isEmpty()) {
                                out.add(part);
                            }
                        }
                        return out;
                    }
                    String t = Values.str(sep);
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
                    List<Object> items = Values.iterate(Builtins.need(args, 0, name));
                    for (int i = 0; i < items.size(); i++) {
                        String item = Values.str(items.get(i));
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
                    m.forEach((k, v) -> out.add(List.of(k, v == null ? Values.UNDEFINED : v)));
                    out.replaceAll(o -> fixNulls((List<?>) o, m));
                    return out;
                }
                case "keys":
                    return new ArrayList<>(m.keySet());
                case "values":
                    return new ArrayList<>(m.values());
                case "get": {
                    Object k = Builtins.need(args, 0, name);
                    return m.containsKey(k) ? m.get(k) : Builtins.arg(args, 1);
                }
                default:
                    break;
            }
        }
        throw new TemplateException("unknown method " + name + "() on " + Values.typeName(base));
    }

    private static List<Object> fixNulls(List<?> kv, Map<?, ?> m) {
        List<Object> out = new ArrayList<>(2);
        out.add(kv.get(0));
        out.add(m.get(kv.get(0)));
        return out;
    }
}
