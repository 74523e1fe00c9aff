package dev.dream4j.spi.model;

import dev.dream4j.api.CheckpointException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A parsed JSON object from a checkpoint file ({@code config.json}, {@code generation_config.json}, ...), with typed
 * accessors whose errors name the file and the field. Values are {@code Map}, {@code List}, {@code String},
 * {@code Number}, {@code Boolean} or {@code null}.
 */
public record JsonConfig(Path file, Map<String, Object> values) {

    public JsonConfig {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public boolean has(String field) {
        return values.get(field) != null;
    }

    public Optional<Object> get(String field) {
        return Optional.ofNullable(values.get(field));
    }

    public int requireInt(String field) {
        return optionalInt(field).orElseThrow(() -> missing(field, "an integer"));
    }

    public OptionalInt optionalInt(String field) {
        Object v = values.get(field);
        if (v == null) {
            return OptionalInt.empty();
        }
        if (v instanceof List<?> list && !list.isEmpty()) {
            // HF allows eos_token_id to be a list; the first id is the canonical one.
            v = list.getFirst();
        }
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.doubleValue() >= Integer.MIN_VALUE && n.doubleValue() <= Integer.MAX_VALUE) {
            return OptionalInt.of(n.intValue());
        }
        throw new CheckpointException(file, field, "expected an integer, found " + describe(v));
    }

    public double requireDouble(String field) {
        return optionalDouble(field).orElseThrow(() -> missing(field, "a number"));
    }

    public OptionalDouble optionalDouble(String field) {
        Object v = values.get(field);
        if (v == null) {
            return OptionalDouble.empty();
        }
        if (v instanceof Number n) {
            return OptionalDouble.of(n.doubleValue());
        }
        throw new CheckpointException(file, field, "expected a number, found " + describe(v));
    }

    public Optional<String> optionalString(String field) {
        Object v = values.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw new CheckpointException(file, field, "expected a string, found " + describe(v));
    }

    public String requireString(String field) {
        return optionalString(field).orElseThrow(() -> missing(field, "a string"));
    }

    public Optional<Boolean> optionalBoolean(String field) {
        Object v = values.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        throw new CheckpointException(file, field, "expected true or false, found " + describe(v));
    }

    @SuppressWarnings("unchecked")
    public Optional<JsonConfig> optionalObject(String field) {
        Object v = values.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Map<?, ?> m) {
            return Optional.of(new JsonConfig(file, (Map<String, Object>) m));
        }
        throw new CheckpointException(file, field, "expected an object, found " + describe(v));
    }

    private CheckpointException missing(String field, String what) {
        return new CheckpointException(file, field, "required field '" + field + "' (" + what + ") is missing");
    }

    private static String describe(Object v) {
        String s = String.valueOf(v);
        return (s.length() > 40 ? s.substring(0, 40) + "..." : s) + " (" + v.getClass().getSimpleName() + ")";
    }
}
