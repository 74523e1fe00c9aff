/** DreamOn variable-length infilling. */
module dev.dream4j.infill.dreamon {
    requires dev.dream4j.spi;
}
