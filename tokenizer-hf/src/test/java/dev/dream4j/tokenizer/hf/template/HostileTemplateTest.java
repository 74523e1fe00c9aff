package dev.dream4j.tokenizer.hf.template;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Chat templates come from downloaded checkpoints: every failure is a TemplateException, every render is bounded. */
class HostileTemplateTest {

    private static String render(String source) {
        return new JinjaTemplate(source, Map.of()).render(Map.of("messages", List.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ '\\uZZZZ' }}", "{{ '\\u12' }}", "{{ 99999999999999999999 }}", "{{ {'a':1}[] }}",
            "{{ (((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((1)))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))) }}",
            "{{ x[1:2:3:4] }}", "{% if %}", "{{ a. }}", "{% for in x %}{% endfor %}", "{{ 'a' ~ }}", "{{"})
    void malformedTemplatesFailToLoadWithATypedError(String source) {
        assertThrows(TemplateException.class, () -> new JinjaTemplate(source, Map.of()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ 'a'.startswith() }}", "{{ range() }}", "{{ 1 // 0 }}", "{{ 1 % 0 }}", "{{ 1 / 0 }}",
            "{{ 'abc'['a':] }}", "{{ 'x'|abs }}", "{{ range('a') }}", "{{ range(1e9) }}", "{{ range(1000000000) }}",
            "{{ 'a'.replace() }}", "{{ {}.get() }}", "{{ x.join() }}", "{{ [1]|tojson(indent=1000000000) }}",
            "{{ range(0, 10, 0) }}", "{{ 'abc'.split('') }}"})
    void renderErrorsAreTyped(String source) {
        assertThrows(TemplateException.class, () -> render(source));
    }

    @Test
    void nestedEndlessLoopsRunOutOfSteps() {
        JinjaTemplate t = new JinjaTemplate("line one\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
                Map.of(), new Limits(100_000, 1 << 20, 64));
        TemplateException e = assertThrows(TemplateException.class, () -> t.render(Map.of()));
        assertTrue(e.getMessage().contains("steps"), e.getMessage());
        assertEquals(2, e.line(), "the error names the template line of the loop");
    }

    @Test
    void stringDoublingRunsIntoTheValueLimit() {
        TemplateException e = assertThrows(TemplateException.class, () -> render(
                "{% set ns = namespace(s='ab') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s }}"));
        assertTrue(e.getMessage().contains("limit"), e.getMessage());
    }

    @Test
    void listDoublingAndReplaceAmplificationAreBounded() {
        assertThrows(TemplateException.class, () -> render(
                "{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}"));
        assertThrows(TemplateException.class, () -> render(
                "{% set ns = namespace(s='aaaa') %}{% for i in range(20) %}{% set ns.s = ns.s.replace('a', ns.s) %}{% endfor %}"));
    }

    @Test
    void selfReferencingNamespaceIsAnErrorNotAStackOverflow() {
        assertThrows(TemplateException.class, () -> render("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns }}"));
        assertThrows(TemplateException.class, () -> render("{% set ns = namespace() %}{% set ns.me = ns %}{{ ns|tojson }}"));
    }

    @Test
    void deepBlockNestingIsRefusedAtParseTime() {
        String deep = "{% if true %}".repeat(1000) + "x" + "{% endif %}".repeat(1000);
        TemplateException e = assertThrows(TemplateException.class, () -> new JinjaTemplate(deep, Map.of()));
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
        String deepExpr = "{{ " + "(".repeat(1000) + "1" + ")".repeat(1000) + " }}";
        assertThrows(TemplateException.class, () -> new JinjaTemplate(deepExpr, Map.of()));
        String notNot = "{{ " + "not ".repeat(5000) + "1 }}";
        assertThrows(TemplateException.class, () -> new JinjaTemplate(notNot, Map.of()));
    }

    @Test
    void outputIsCappedByTheConfiguredLimit() {
        JinjaTemplate t = new JinjaTemplate("{% for i in range(100) %}0123456789{% endfor %}", Map.of(), new Limits(1_000_000, 500, 64));
        assertThrows(TemplateException.class, () -> t.render(Map.of()));
        JinjaTemplate roomy = new JinjaTemplate("{% for i in range(100) %}0123456789{% endfor %}", Map.of(), new Limits(1_000_000, 5000, 64));
        assertEquals(1000, roomy.render(Map.of()).length());
    }

    @Test
    void errorsNameTheTemplateLine() {
        TemplateException parse = assertThrows(TemplateException.class, () -> new JinjaTemplate("a\nb\n{{ 'x'.( }}\n", Map.of()));
        assertEquals(3, parse.line(), parse.getMessage());
        assertTrue(parse.getMessage().startsWith("template line 3: "), parse.getMessage());
        TemplateException render = assertThrows(TemplateException.class, () -> render("{% if true %}\n\n{{ 1 // 0 }}{% endif %}"));
        assertEquals(3, render.line(), render.getMessage());
    }

    @Test
    void validTemplatesStillRender() {
        assertEquals("[0, 1, 2]|3|2|bc|A", render("{{ range(3) }}|{{ 7 // 2 }}|{{ -7 % 3 }}|{{ 'abc'[1:] }}|{{ 'a'.upper() }}"));
        assertEquals("0,2,4", render("{{ range(0, 5, 2)|join(',') }}"));
        assertEquals("3,2,1", render("{{ range(3, 0, -1)|join(',') }}"));
    }
}
