package dev.dream4j.spi.model;

import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a family keeps every tensor: one name pattern per {@link TensorRole}. Per-layer patterns contain
 * {@value #LAYER} where the layer index goes ({@code model.layers.{layer}.self_attn.q_proj.weight}); global ones do
 * not. Roles the recipe does not use (biases, q/k norms) are simply absent. Backends look tensors up only through this
 * map, so they hold no tensor names.
 */
public record TensorMap(Map<TensorRole, String> patterns) {
    /** The placeholder for the layer index in per-layer patterns. */
    public static final String LAYER = "{layer}";

    public TensorMap {
        Objects.requireNonNull(patterns, "patterns");
        EnumMap<TensorRole, String> copy = new EnumMap<>(TensorRole.class);
        for (var e : patterns.entrySet()) {
            TensorRole role = Objects.requireNonNull(e.getKey(), "role");
            String p = Objects.requireNonNull(e.getValue(), "pattern of " + role);
            if (p.isBlank()) {
                throw new IllegalArgumentException("the pattern of " + role + " is blank");
            }
            if (role.perLayer() != p.contains(LAYER)) {
                throw new IllegalArgumentException("the pattern of " + role + " ('" + p + "') must "
                        + (role.perLayer() ? "" : "not ") + "contain " + LAYER);
            }
            copy.put(role, p);
        }
        for (TensorRole required : new TensorRole[]{TensorRole.EMBEDDING, TensorRole.FINAL_NORM, TensorRole.LM_HEAD,
                TensorRole.ATTENTION_NORM, TensorRole.Q, TensorRole.K, TensorRole.V, TensorRole.O, TensorRole.MLP_NORM,
                TensorRole.GATE, TensorRole.UP, TensorRole.DOWN}) {
            if (!copy.containsKey(required)) {
                throw new IllegalArgumentException("a tensor map needs a pattern for " + required);
            }
        }
        patterns = Collections.unmodifiableMap(copy);
    }

    /** Starts a map; {@link Builder#build()} checks it. */
    public static Builder builder() {
        return new Builder();
    }

    public boolean has(TensorRole role) {
        return patterns.containsKey(role);
    }

    /** The name of a global role's tensor. */
    public String name(TensorRole role) {
        if (role.perLayer()) {
            throw new IllegalArgumentException(role + " is per layer: give the layer");
        }
        return pattern(role);
    }

    /** The name of a per-layer role's tensor in {@code layer}. */
    public String name(TensorRole role, int layer) {
        if (!role.perLayer()) {
            throw new IllegalArgumentException(role + " is not per layer");
        }
        if (layer < 0) {
            throw new IllegalArgumentException("layer must be >= 0, got " + layer);
        }
        return pattern(role).replace(LAYER, Integer.toString(layer));
    }

    /** Whether the LM head is the embedding table. */
    public boolean tiedEmbeddings() {
        return patterns.get(TensorRole.LM_HEAD).equals(patterns.get(TensorRole.EMBEDDING));
    }

    /** Every tensor name of a model with {@code layers} layers, in role order (a tied LM head once). */
    public Set<String> allNames(int layers) {
        Set<String> out = new LinkedHashSet<>();
        for (var e : patterns.entrySet()) {
            if (e.getKey().perLayer()) {
                for (int l = 0; l < layers; l++) {
                    out.add(name(e.getKey(), l));
                }
            } else {
                out.add(e.getValue());
            }
        }
        return out;
    }

    private String pattern(TensorRole role) {
        String p = patterns.get(role);
        if (p == null) {
            throw new IllegalArgumentException("this model has no " + role + " tensor");
        }
        return p;
    }

    /** Collects patterns; immutable maps are made by {@link #build()}. */
    public static final class Builder {
        private final EnumMap<TensorRole, String> patterns = new EnumMap<>(TensorRole.class);

        private Builder() {
        }

        public Builder put(TensorRole role, String pattern) {
            patterns.put(role, pattern);
            return this;
        }

        public TensorMap build() {
            return new TensorMap(patterns);
        }
    }
}
