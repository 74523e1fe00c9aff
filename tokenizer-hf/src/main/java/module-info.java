/** Hugging Face tokenizer.json (byte-level BPE) and Jinja chat templates. */
module dev.dream4j.tokenizer.hf {
    requires dev.dream4j.tokenizer;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
}
