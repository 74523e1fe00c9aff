/** Reading and writing Hugging Face checkpoint directories. */
module dev.dream4j.checkpoint {
    requires transitive dev.dream4j.spi;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;

    exports dev.dream4j.checkpoint;
}
