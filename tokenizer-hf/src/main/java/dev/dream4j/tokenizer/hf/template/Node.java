package dev.dream4j.tokenizer.hf.template;

import java.util.List;

/** A parsed template statement; each knows the template line it starts on, for error messages. */
sealed interface Node {
    int line();

    /** Literal text. */
    record Text(String text, int line) implements Node {
    }

    /** {@code {{ expr }}}. */
    record Output(Expr expr, int line) implements Node {
    }

    /** {@code {% if %}...{% elif %}...{% else %}...{% endif %}}: {@code branches.get(k)} runs when condition k holds. */
    record If(List<Expr> conditions, List<List<Node>> branches, List<Node> otherwise, int line) implements Node {
    }

    /** {@code {% for a, b in iterable if filter %}...{% else %}...{% endfor %}}; {@code filter} may be null. */
    record For(List<String> vars, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise, int line) implements Node {
    }

    /** {@code {% set name = value %}} or, on a namespace, {@code {% set name.attr = value %}} ({@code attr} null otherwise). */
    record Set(String name, String attr, Expr value, int line) implements Node {
    }
}
