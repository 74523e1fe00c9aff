/** The Dream model family (Dream, Dream-Coder, DreamOn checkpoints). */
module dev.dream4j.family.dream {
    requires dev.dream4j.spi;

    provides dev.dream4j.spi.model.ModelFamily with dev.dream4j.family.dream.DreamFamily;
}
