package dev.dream4j.tokenizer.hf.template;

import java.util.List;
import java.util.Map;

/** A parsed expression. Evaluated by {@link Evaluator#eval}; nesting is capped when it is parsed. */
sealed interface Expr {

    /** A string, number, boolean or none literal (or undefined, for a missing {@code else}). */
    record Literal(Object value) implements Expr {
    }

    /** A variable, looked up from the innermost scope out. */
    record Variable(String name) implements Expr {
    }

    /** {@code then if condition else otherwise}. */
    record Conditional(Expr condition, Expr then, Expr otherwise) implements Expr {
    }

    /** {@code left or right}: the first truthy operand, evaluated lazily. */
    record Or(Expr left, Expr right) implements Expr {
    }

    /** {@code left and right}: the first falsy operand, evaluated lazily. */
    record And(Expr left, Expr right) implements Expr {
    }

    record Not(Expr operand) implements Expr {
    }

    /** {@code ==, !=, <, >, <=, >=, in, not in}. */
    record Compare(String op, Expr left, Expr right) implements Expr {
    }

    /** {@code +}: numbers, strings or lists. */
    record Add(Expr left, Expr right) implements Expr {
    }

    /** {@code -, *, /, %} and {@code d} for {@code //}. */
    record Arith(char op, Expr left, Expr right) implements Expr {
    }

    /** {@code ~}: both sides as strings. */
    record Concat(Expr left, Expr right) implements Expr {
    }

    /** {@code base | name(args, kwargs)}. */
    record Filter(Expr base, String name, List<Expr> args, Map<String, Expr> kwargs) implements Expr {
    }

    /** {@code base is [not] name(args)}. */
    record Test(Expr base, boolean negate, String name, List<Expr> args) implements Expr {
    }

    /** A global function call, {@code name(args, kwargs)}. */
    record Call(String name, List<Expr> args, Map<String, Expr> kwargs) implements Expr {
    }

    /** A list or tuple literal. */
    record ListOf(List<Expr> items) implements Expr {
    }

    /** A dict literal; keys are rendered as strings. */
    record DictOf(List<Entry> entries) implements Expr {
    }

    /** One {@code key: value} of a dict literal. */
    record Entry(Expr key, Expr value) {
    }

    /** {@code base.name}. */
    record Attribute(Expr base, String name) implements Expr {
    }

    /** {@code base.name(args)}: a string, dict or list method. */
    record MethodCall(Expr base, String name, List<Expr> args) implements Expr {
    }

    /** {@code base[index]}. */
    record Subscript(Expr base, Expr index) implements Expr {
    }

    /** {@code base[start:stop:step]}; absent parts are null. */
    record Slice(Expr base, Expr start, Expr stop, Expr step) implements Expr {
    }
}
