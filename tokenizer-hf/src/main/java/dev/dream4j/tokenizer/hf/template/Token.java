package dev.dream4j.tokenizer.hf.template;

/** One token of an expression inside {@code {{ }}} or {@code {% %}}. */
record Token(char type, String s) {
    // type: 'n' name, 's' string, 'i' integer, 'f' float, 'o' operator, 'e' end
}
