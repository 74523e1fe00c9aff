package dev.dream4j.tokenizer.hf.template;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/** The state of one render: scopes, the line being executed and the budget spent so far. */
final class RenderContext {
    final Deque<Map<String, Object>> scopes = new ArrayDeque<>();
    final Limits limits;
    long steps;
    int line;

    RenderContext(Limits limits) {
        this.limits = limits;
    }

    /** Spends {@code n} steps of the budget. */
    void step(long n) {
        steps += n;
        if (steps > limits.maxSteps()) {
            throw new TemplateException("the template exceeded its budget of " + limits.maxSteps()
                    + " steps (an endless or huge loop?)", line);
        }
    }

    /** Accounts for building a value of {@code size} characters or elements before it is built. */
    void build(long size) {
        if (size > limits.maxOutputChars()) {
            throw new TemplateException("the template built a value of " + size + " characters or items, over the limit of "
                    + limits.maxOutputChars(), line);
        }
        step(1 + size / 16);
    }

    Object get(String name) {
        for (Map<String, Object> s : scopes) {
            if (s.containsKey(name)) {
                return s.get(name);
            }
        }
        return Values.UNDEFINED;
    }
}
