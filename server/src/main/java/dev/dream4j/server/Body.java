package dev.dream4j.server;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A JSON request body with typed, range-checked field access. Every problem is an {@link ApiException} naming the
 * field; JSON {@code null} counts as absent (clients send explicit nulls for defaults).
 */
final class Body {
    private final JsonObject json;

    private Body(JsonObject json) {
        this.json = json;
    }

    static Body parse(Buffer buffer) {
        if (buffer == null || buffer.length() == 0) {
            throw ApiException.invalid(null, "the request body is empty; a JSON object is expected");
        }
        Object value;
        try {
            value = Json.decodeValue(buffer);
        } catch (DecodeException e) {
            throw ApiException.invalid(null, "the request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (!(value instanceof JsonObject o)) {
            throw ApiException.invalid(null, "the request body must be a JSON object, got " + typeName(value));
        }
        return new Body(o);
    }

    static Body of(JsonObject json) {
        return new Body(json);
    }

    /** The body as parsed (what a cluster node forwards to the node that runs the request). */
    JsonObject json() {
        return json;
    }

    boolean has(String name) {
        return json.getValue(name) != null;
    }

    Object raw(String name) {
        return json.getValue(name);
    }

    Optional<String> string(String name) {
        Object v = json.getValue(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw wrongType(name, "a string", v);
        }
        return Optional.of(s);
    }

    boolean bool(String name, boolean dflt) {
        Object v = json.getValue(name);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof Boolean b)) {
            throw wrongType(name, "a boolean", v);
        }
        return b;
    }

    OptionalInt integer(String name, long min, long max) {
        OptionalLong v = longValue(name, min, max);
        return v.isPresent() ? OptionalInt.of((int) v.getAsLong()) : OptionalInt.empty();
    }

    OptionalLong longValue(String name, long min, long max) {
        Object v = json.getValue(name);
        if (v == null) {
            return OptionalLong.empty();
        }
        long value = integral(name, v);
        if (value < min || value > max) {
            throw ApiException.invalid(name, name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return OptionalLong.of(value);
    }

    /** A finite number in {@code [min, max]}. */
    OptionalDouble number(String name, double min, double max) {
        Object v = json.getValue(name);
        if (v == null) {
            return OptionalDouble.empty();
        }
        if (!(v instanceof Number n)) {
            throw wrongType(name, "a number", v);
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d) || d < min || d > max) {
            throw ApiException.invalid(name, name + " must be a number in [" + fmt(min) + ", " + fmt(max) + "], got " + n);
        }
        return OptionalDouble.of(d);
    }

    static long integral(String name, Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            throw ApiException.invalid(name, name + " is out of range: " + b);
        }
        if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p53) {
                return (long) d;
            }
            throw ApiException.invalid(name, name + " must be an integer, got " + v);
        }
        throw wrongType(name, "an integer", v);
    }

    static ApiException wrongType(String name, String expected, Object v) {
        return ApiException.invalid(name, name + " must be " + expected + ", got " + typeName(v));
    }

    static String typeName(Object v) {
        return switch (v) {
            case null -> "null";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            case JsonArray a -> "an array";
            case JsonObject o -> "an object";
            default -> v.getClass().getSimpleName();
        };
    }

    private static String fmt(double d) {
        if (d == Double.MAX_VALUE) {
            return "inf";
        }
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
