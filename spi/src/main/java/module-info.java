/** What plug-ins implement. Requires only the api. */
module dev.dream4j.spi {
    requires transitive dev.dream4j.api;

    exports dev.dream4j.spi;
    exports dev.dream4j.spi.model;
    exports dev.dream4j.spi.backend;
    exports dev.dream4j.spi.sampling;
    exports dev.dream4j.spi.infill;
}
