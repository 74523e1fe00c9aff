package dev.dream4j.tokenizer.hf;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Splits normalized text into pre-token words, as a Hugging Face Split/ByteLevel pre-tokenizer does. */
interface PreTokenizer {

    /** Appends the [start, end) spans of {@code text} to {@code out}; the spans cover the text in order. */
    void split(String text, Spans out);

    /** The Qwen2 split regex, exactly as it appears in tokenizer.json. */
    String QWEN2_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    /** The GPT-2 regex (ByteLevel with use_regex true). */
    String GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** The whole text as one word. */
    PreTokenizer WHOLE = (text, out) -> {
        if (!text.isEmpty()) {
            out.add(0, text.length());
        }
    };

    /** A java.util.regex split for patterns without a hand-written scanner; Isolated or Removed behaviour. */
    static PreTokenizer regex(Pattern pattern, boolean removeMatches) {
        return (text, out) -> {
            Matcher m = pattern.matcher(text);
            int last = 0;
            while (m.find()) {
                if (m.end() == m.start()) {
                    continue;
                }
                if (m.start() > last) {
                    out.add(last, m.start());
                }
                if (!removeMatches) {
                    out.add(m.start(), m.end());
                }
                last = m.end();
            }
            if (last < text.length()) {
                out.add(last, text.length());
            }
        };
    }
}
