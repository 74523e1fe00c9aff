package dev.dream4j.tokenizer.hf;

import dev.dream4j.api.TokenizerException;

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

    /**
     * The character reads a user-supplied regex may make per input character (plus a fixed allowance) before the
     * split is abandoned: java.util.regex backtracks, so a pattern such as {@code (a+)+b} is exponential on some input.
     */
    long REGEX_READS_PER_CHAR = 200;
    long REGEX_READS_BASE = 1_000_000;

    /**
     * A java.util.regex split for patterns without a hand-written scanner; Isolated or Removed behaviour. The matcher
     * reads the text through a {@link BudgetedText}, so catastrophic backtracking ends in a {@link TokenizerException}
     * rather than a hang, and deep recursion inside the matcher ends the same way rather than in a StackOverflowError.
     */
    static PreTokenizer regex(Pattern pattern, boolean removeMatches) {
        return (text, out) -> {
            BudgetedText budgeted = new BudgetedText(text, REGEX_READS_BASE + REGEX_READS_PER_CHAR * text.length());
            Matcher m = pattern.matcher(budgeted);
            int last = 0;
            try {
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
            } catch (StackOverflowError e) {
                throw new TokenizerException("pre-tokenizer regex " + pattern.pattern() + " recursed too deeply on a "
                        + text.length() + "-character text (simplify the pattern, e.g. (a|b)* -> [ab]*)");
            } catch (BudgetedText.Exhausted e) {
                throw new TokenizerException("pre-tokenizer regex " + pattern.pattern() + " exceeded its budget of "
                        + e.budget + " character reads on a " + text.length() + "-character text (catastrophic backtracking)");
            }
            if (last < text.length()) {
                out.add(last, text.length());
            }
        };
    }

    /** A text that counts the reads the regex engine makes and stops it when they exceed a budget. */
    final class BudgetedText implements CharSequence {
        private final String text;
        private final long budget;
        private long reads;

        BudgetedText(String text, long budget) {
            this.text = text;
            this.budget = budget;
        }

        @Override
        public char charAt(int index) {
            if (++reads > budget) {
                throw new Exhausted(budget);
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }

        /** Unwinds the matcher; converted to a TokenizerException by the caller. */
        static final class Exhausted extends RuntimeException {
            private static final long serialVersionUID = 1L;
            final long budget;

            Exhausted(long budget) {
                super(null, null, false, false);
                this.budget = budget;
            }
        }
    }
}
