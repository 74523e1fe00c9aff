package dev.dream4j.tokenizer.hf.template;

/** One piece of a template's source: text, an output {@code {{ }}}, a statement {@code {% %}} or a comment. */
record Segment(char kind, String text, boolean trimLeft, boolean trimRight, int line) {
    // kind: 'T' text, '{' output, '%' statement, '#' comment
}
