/** Hugging Face tokenizer.json (byte-level BPE) and Jinja chat templates. */
module dev.dream4j.tokenizer.hf {
    requires dev.dream4j.tokenizer;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.dream4j.tokenizer.hf;

    provides dev.dream4j.tokenizer.TokenizerProvider with dev.dream4j.tokenizer.hf.HfTokenizerProvider;
}
