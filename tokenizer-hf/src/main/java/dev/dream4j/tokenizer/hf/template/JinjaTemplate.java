package dev.dream4j.tokenizer.hf.template;

import dev.dream4j.api.ChatMessage;
import dev.dream4j.tokenizer.ChatTemplate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small Jinja2 interpreter for chat templates, with the environment transformers uses ({@code trim_blocks},
 * {@code lstrip_blocks}). Supports text, {@code {{ }}}, {@code {% if/elif/else/for/set/generation %}}, comments,
 * whitespace control, the usual operators, filters, tests, string/dict/list methods, {@code namespace()},
 * {@code range()} and {@code raise_exception()}.
 *
 * <p>The entry point of this package: {@link Lexer} and {@link Parser} (with {@link ExprLexer}, {@link ExprParser})
 * turn the source into {@link Node}s and {@link Expr}s once; {@link Evaluator} runs them per render in a
 * {@link RenderContext} that holds the {@link Limits} budget; {@link Values}, {@link Operators}, {@link Methods},
 * {@link Builtins} and {@link Filters} give them Python's semantics.
 */
public final class JinjaTemplate implements ChatTemplate {

    private final List<Node> body;
    private final Map<String, Object> globals;
    private final Limits limits;

    /** Parses {@code source}; {@code globals} (for example bos_token) are visible to the template. */
    public JinjaTemplate(String source, Map<String, Object> globals) {
        this(source, globals, Limits.DEFAULT);
    }

    /**
     * Parses {@code source} under {@code limits}.
     *
     * @throws TemplateException naming the template line when the source is malformed or nested too deeply
     */
    public JinjaTemplate(String source, Map<String, Object> globals, Limits limits) {
        this.limits = limits;
        this.body = parse(source, limits);
        this.globals = Map.copyOf(globals);
    }

    private static List<Node> parse(String source, Limits limits) {
        Parser parser = new Parser(Lexer.lex(source), limits.maxDepth());
        try {
            return parser.parseBody();
        } catch (TemplateException e) {
            throw e.at(parser.line());
        } catch (StackOverflowError e) {
            throw new TemplateException("template nested too deeply to parse", parser.line());
        } catch (RuntimeException e) { // a parser gap must not escape as an untyped error
            throw new TemplateException("cannot parse: " + e, parser.line());
        }
    }

    @Override
    public String render(List<ChatMessage> messages, boolean addGenerationPrompt) {
        List<Object> msgs = new ArrayList<>();
        for (ChatMessage m : messages) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("role", m.role());
            o.put("content", m.content());
            msgs.add(o);
        }
        Map<String, Object> vars = new HashMap<>();
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        return render(vars);
    }

    /** Renders with arbitrary variables (messages as maps, tools, ...). */
    public String render(Map<String, Object> variables) {
        RenderContext ctx = new RenderContext(limits);
        ctx.scopes.push(new HashMap<>(globals));
        Map<String, Object> vars = new HashMap<>();
        variables.forEach((k, v) -> vars.put(k, Values.normalize(v)));
        ctx.scopes.push(vars);
        StringBuilder out = new StringBuilder();
        try {
            Evaluator.exec(body, ctx, out);
        } catch (TemplateException e) {
            throw e.at(ctx.line);
        } catch (StackOverflowError e) {
            throw new TemplateException("recursion too deep (a self-referencing value?)", ctx.line);
        } catch (RuntimeException e) { // an interpreter gap must not escape as an untyped error
            throw new TemplateException("render failed: " + e, ctx.line);
        }
        return out.toString();
    }
}
