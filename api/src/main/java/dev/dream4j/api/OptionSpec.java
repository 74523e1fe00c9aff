package dev.dream4j.api;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One setting a plug-in (a sampler, a logits processor) declares for itself: what a request may pass as
 * {@code GenerationRequest.Builder.option(name, value)}, the CLI as {@code --option name=value} and the server as
 * {@code "options": {"name": value}}. The declaration is the one table all three validate against and
 * {@code dream4j plugins} documents, so a third-party plug-in gets a setting without anyone rebuilding the SDK.
 *
 * @param name         {@code [a-z][a-z0-9_.-]*}
 * @param type         what values are allowed
 * @param defaultValue the value a request that does not set the option gets; already of the type's Java class
 *                     ({@link Boolean}, {@link Long}, {@link Double} or {@link String}) and allowed by it
 * @param description  one line for {@code dream4j plugins}
 */
public record OptionSpec(String name, Type type, Object defaultValue, String description) {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_.-]*");

    /** The values an option takes. Sealed: the CLI, the server and the JSON listing know every case. */
    public sealed interface Type {
        /** {@code boolean}, {@code integer}, {@code number} or {@code string}: the JSON listing's spelling. */
        String id();

        /** The type and range as error messages and listings write it, for example {@code a number in [0, 1]}. */
        String describe();
    }

    /** {@code true} or {@code false}. */
    public record BooleanType() implements Type {
        @Override
        public String id() {
            return "boolean";
        }

        @Override
        public String describe() {
            return "a boolean";
        }
    }

    /** A whole number in {@code [min, max]}. */
    public record IntegerType(long min, long max) implements Type {
        public IntegerType {
            if (min > max) {
                throw new Dream4jException("integer option range [" + min + ", " + max + "] is empty");
            }
        }

        @Override
        public String id() {
            return "integer";
        }

        @Override
        public String describe() {
            if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
                return "an integer";
            }
            // "an integer >= 1" rather than "in [1, 2147483647]": the top of an int is a bound of the type, not a rule
            if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
                return "an integer >= " + min;
            }
            return "an integer in [" + min + ", " + max + "]";
        }
    }

    /**
     * A finite number between {@code min} and {@code max}, each end included unless marked exclusive
     * ({@code top_p} is in (0, 1]).
     */
    public record NumberType(double min, double max, boolean minExclusive, boolean maxExclusive) implements Type {
        public NumberType {
            if (!(min <= max) || Double.isNaN(min) || Double.isNaN(max) || (min == max && (minExclusive || maxExclusive))) {
                throw new Dream4jException("number option range " + range(min, max, minExclusive, maxExclusive) + " is empty");
            }
        }

        /** Both ends included. */
        public NumberType(double min, double max) {
            this(min, max, false, false);
        }

        boolean allows(double v) {
            return Double.isFinite(v) && (minExclusive ? v > min : v >= min) && (maxExclusive ? v < max : v <= max);
        }

        @Override
        public String id() {
            return "number";
        }

        @Override
        public String describe() {
            if (max == Double.MAX_VALUE && !maxExclusive) {
                return "a finite number " + (minExclusive ? "> " : ">= ") + format(min);
            }
            return "a number in " + range(min, max, minExclusive, maxExclusive);
        }

        private static String range(double min, double max, boolean minExclusive, boolean maxExclusive) {
            return (minExclusive ? "(" : "[") + format(min) + ", " + format(max) + (maxExclusive ? ")" : "]");
        }
    }

    /** A string; one of {@code choices} unless that is empty. */
    public record StringType(List<String> choices) implements Type {
        public StringType {
            choices = List.copyOf(choices);
        }

        @Override
        public String id() {
            return "string";
        }

        @Override
        public String describe() {
            return choices.isEmpty() ? "a string" : "one of " + choices;
        }
    }

    public OptionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(defaultValue, "defaultValue");
        description = description == null ? "" : description;
        if (!NAME.matcher(name).matches()) {
            throw new Dream4jException("option name '" + name + "' must match [a-z][a-z0-9_.-]*");
        }
        // the default goes through the same check as any request value, so a listing never shows an impossible one
        Object typed;
        try {
            typed = check(type, defaultValue);
        } catch (IllegalArgumentException e) {
            throw new Dream4jException("option '" + name + "': default " + quote(defaultValue) + " is not "
                    + type.describe());
        }
        defaultValue = typed;
    }

    /** A boolean option. */
    public static OptionSpec bool(String name, boolean defaultValue, String description) {
        return new OptionSpec(name, new BooleanType(), defaultValue, description);
    }

    /** An integer option in {@code [min, max]}. */
    public static OptionSpec integer(String name, long min, long max, long defaultValue, String description) {
        return new OptionSpec(name, new IntegerType(min, max), defaultValue, description);
    }

    /** A number option in {@code [min, max]}. */
    public static OptionSpec number(String name, double min, double max, double defaultValue, String description) {
        return new OptionSpec(name, new NumberType(min, max), defaultValue, description);
    }

    /** A string option; one of {@code choices} unless none are given. */
    public static OptionSpec string(String name, String defaultValue, String description, String... choices) {
        return new OptionSpec(name, new StringType(List.of(choices)), defaultValue, description);
    }

    /**
     * {@code raw} as this option's typed value: a {@link String} as typed on a command line ({@code "0.2"},
     * {@code "true"}), a JSON number, boolean or string, or a Java value. The result is a {@link Boolean}, a
     * {@link Long}, a {@link Double} or a {@link String}.
     *
     * @param plugin the declaring plug-in, for the message (for example {@code sampler 'left-to-right'})
     * @throws InvalidRequestException whose parameter is {@code options.<name>} when the value has the wrong type or is
     *                                 out of range
     */
    public Object parse(String plugin, Object raw) {
        try {
            return check(type, raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("options." + name, "option '" + name + "' of " + plugin + " must be "
                    + type.describe() + ", got " + quote(raw));
        }
    }

    /**
     * {@code raw} typed by {@code type} for a parameter that is not a plug-in option (the request's own fields,
     * {@link GenerationParameter}).
     *
     * @throws InvalidRequestException naming {@code parameter}, the type and range, and the value
     */
    static Object typed(Type type, String parameter, Object raw) {
        try {
            return check(type, raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(parameter, parameter + " must be " + type.describe() + ", got " + quote(raw));
        }
    }

    private static Object check(Type type, Object raw) {
        if (raw == null) {
            throw new IllegalArgumentException();
        }
        return switch (type) {
            case BooleanType b -> switch (raw) {
                case Boolean v -> v;
                case String s when s.trim().equalsIgnoreCase("true") -> Boolean.TRUE;
                case String s when s.trim().equalsIgnoreCase("false") -> Boolean.FALSE;
                default -> throw new IllegalArgumentException();
            };
            case IntegerType t -> {
                long v = switch (raw) {
                    case Long l -> l;
                    case Integer i -> i;
                    case Short s -> s;
                    case Byte x -> x;
                    case Number n when isWhole(n.doubleValue()) -> (long) n.doubleValue();
                    case String s -> parseLong(s.trim());
                    default -> throw new IllegalArgumentException();
                };
                if (v < t.min() || v > t.max()) {
                    throw new IllegalArgumentException();
                }
                yield v;
            }
            case NumberType t -> {
                double v = switch (raw) {
                    case Number n -> n.doubleValue();
                    case String s -> parseDouble(s.trim());
                    default -> throw new IllegalArgumentException();
                };
                if (!t.allows(v)) {
                    throw new IllegalArgumentException();
                }
                yield v;
            }
            case StringType t -> {
                if (!(raw instanceof String s) || (!t.choices().isEmpty() && !t.choices().contains(s))) {
                    throw new IllegalArgumentException();
                }
                yield s;
            }
        };
    }

    private static boolean isWhole(double d) {
        return Double.isFinite(d) && d == Math.rint(d) && Math.abs(d) < 0x1p63;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            // "3.0" is a whole number too (a JSON client may serialise integers that way)
            double d = parseDouble(s);
            if (!isWhole(d)) {
                throw new IllegalArgumentException(e);
            }
            return (long) d;
        }
    }

    private static double parseDouble(String s) {
        // Double.parseDouble also takes "NaN", "Infinity" and hex floats; the range check refuses the first two
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String quote(Object raw) {
        return switch (raw) {
            case null -> "null";
            case String s -> "'" + s + "'";
            case Boolean b -> b.toString();
            case Number n -> n.toString();
            default -> "a " + raw.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        };
    }

    private static String format(double d) {
        if (d == Double.MAX_VALUE) {
            return "max";
        }
        if (d == -Double.MAX_VALUE) {
            return "-max";
        }
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
