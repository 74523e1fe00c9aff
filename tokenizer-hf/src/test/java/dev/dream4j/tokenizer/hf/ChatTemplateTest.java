package dev.dream4j.tokenizer.hf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.TokenizerException;
import dev.dream4j.tokenizer.hf.template.JinjaTemplate;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTemplateTest {

    private static final String QWEN25 = Fixtures.text("/templates/qwen2.5-chat_template.jinja");

    @Test
    void qwen25OneUserMessageWithoutSystemMessage() {
        JinjaTemplate t = new JinjaTemplate(QWEN25, Map.of());
        String msg = "Write a quicksort in Python.";
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n" + msg
                + "<|im_end|>\n<|im_start|>assistant\n", t.render(List.of(ChatMessage.user(msg)), true));
    }

    @Test
    void qwen3TokenizerConfigTemplateIsLoaded() {
        var tok = new HfTokenizerProvider().load(Fixtures.qwenDir());
        assertEquals("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
                tok.applyChatTemplate(List.of(ChatMessage.user("hi"))));
    }

    @TestFactory
    List<DynamicTest> matchesPythonJinja2() throws Exception {
        JsonNode cases = new ObjectMapper().readTree(Fixtures.text("/templates/expected-renderings.json"));
        String tiny = new ObjectMapper().readTree(Fixtures.text("/tiny-dream-code/tokenizer_config.json"))
                .get("chat_template").asText();
        List<DynamicTest> tests = new ArrayList<>();
        for (JsonNode c : cases) {
            String name = c.get("template").asText();
            String src = name.equals("tiny") ? tiny : Fixtures.text("/templates/" + name);
            tests.add(DynamicTest.dynamicTest(name + " / " + c.get("name").asText(), () -> {
                @SuppressWarnings("unchecked")
                Map<String, Object> vars = new ObjectMapper().convertValue(c.get("variables"), Map.class);
                assertEquals(c.get("expected").asText(), new JinjaTemplate(src, Map.of()).render(vars));
            }));
        }
        assertTrue(tests.size() >= 15);
        return tests;
    }

    @Test
    void jinjaSubset() {
        Map<String, Object> vars = Map.of("xs", List.of(1, 2, 3), "s", "  Hello  ", "m", Map.of("k", "v"));
        assertEquals("1,2,3|3|Hello|[1, 2, 3]|yes|v|2|[3, 2, 1]|olleH",
                new JinjaTemplate("{% for x in xs %}{{ x }}{% if not loop.last %},{% endif %}{% endfor %}|"
                        + "{{ xs|length }}|{{ s|trim }}|{{ xs|tojson }}|{{ 'yes' if 'k' in m else 'no' }}|{{ m['k'] }}|"
                        + "{{ xs[1] }}|{{ xs[::-1] }}|{{ (s|trim)[::-1] }}", Map.of()).render(vars));
        assertEquals("a-b", new JinjaTemplate("{% set ns = namespace(v='a') %}{% for i in range(1) %}"
                + "{% set ns.v = ns.v ~ '-b' %}{% endfor %}{{ ns.v }}", Map.of()).render(Map.of()));
        assertEquals("x\n  y", new JinjaTemplate("x\n  {% if true %}\n{% endif %}  y", Map.of()).render(Map.of()));
        assertEquals("B", new JinjaTemplate("{% if 1 > 2 %}A{% elif 2 >= 2 and not false %}B{% else %}C{% endif %}",
                Map.of()).render(Map.of()));
        TokenizerException e = assertThrows(TokenizerException.class,
                () -> new JinjaTemplate("{{ raise_exception('no system role') }}", Map.of()).render(Map.of()));
        assertTrue(e.getMessage().contains("no system role"));
        assertThrows(TokenizerException.class, () -> new JinjaTemplate("{% if x %}unclosed", Map.of()));
    }
}
