package dev.dream4j.tokenizer.hf.template;

import dev.dream4j.api.ChatMessage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Chat templates the fuzz-tests campaign found failing untyped on the code before issue 15; each must now fail with a
 * {@link TemplateException}. (The campaign itself reaches templates through tokenizer_config.json.)
 */
class FuzzFoundTemplateTest {
    private static final List<ChatMessage> MESSAGES = List.of(ChatMessage.user("hi"));

    @ParameterizedTest
    @ValueSource(strings = {
            "{{ (messages[0].content ~ 'x')[1:\"1.5\"] }}", // ClassCastException: String -> Long
            "{{ (messages[0].content ~ 'x')[1:[]] }}", // ClassCastException: ArrayList -> Long
            "{{ (messages[0].content ~ 'x')[1:false] }}", // ClassCastException: Boolean -> Long
            "{{ (messages[0].content ~ 'x')[1:messages] }}",
            "{{ 86398950107574925754 }}", // NumberFormatException
            "{% for a, b in [(1, 2)] %}{{ a * 18446744073709551616 % 7 }}{% endfor %}",
            "{{ messages -54636617618042412846243[1:3] }}",
            "{{ (messages[0].content ~ 'x')[1:\"\\u\"] }}", // StringIndexOutOfBounds in the \\u escape
            "{{ (messages[0].content ~ 'x')[1:\"\\uZZZZ\"] }}" // NumberFormatException under radix 16
    })
    void templatesFromTheFuzzerFailTyped(String source) {
        assertThrows(TemplateException.class, () -> new JinjaTemplate(source, Map.of()).render(MESSAGES, true));
    }
}
