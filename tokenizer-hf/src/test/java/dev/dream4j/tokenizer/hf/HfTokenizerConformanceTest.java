package dev.dream4j.tokenizer.hf;

import dev.dream4j.conformance.TokenizerConformance;
import dev.dream4j.tokenizer.Tokenizer;
import org.junit.jupiter.api.Nested;

/** The tokenizer conformance suite on the real Qwen vocabulary and on the demo checkpoint's tokenizer. */
class HfTokenizerConformanceTest {

    private static Tokenizer qwen;
    private static Tokenizer tiny;

    static synchronized Tokenizer qwen() {
        if (qwen == null) {
            qwen = new HfTokenizerProvider().load(Fixtures.qwenDir());
        }
        return qwen;
    }

    static synchronized Tokenizer tiny() {
        if (tiny == null) {
            tiny = new HfTokenizerProvider().load(Fixtures.tinyDir());
        }
        return tiny;
    }

    @Nested
    class Qwen extends TokenizerConformance {
        @Override
        protected Tokenizer createTokenizer() {
            return qwen();
        }
    }

    @Nested
    class TinyDreamCode extends TokenizerConformance {
        @Override
        protected Tokenizer createTokenizer() {
            return tiny();
        }
    }
}
