package dev.dream4j.tokenizer.hf.template;

import java.util.LinkedHashMap;

/** The mutable object {@code namespace()} returns. */
final class Namespace extends LinkedHashMap<String, Object> {
    private static final long serialVersionUID = 1L;
}
