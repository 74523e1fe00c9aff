/** Hugging Face tokenizer.json (byte-level BPE) and Jinja chat templates. Found through ServiceLoader; exports nothing. */
module dev.dream4j.tokenizer.hf {
    requires dev.dream4j.tokenizer;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    provides dev.dream4j.tokenizer.TokenizerProvider with dev.dream4j.tokenizer.hf.HfTokenizerProvider;
}
