/** The bundled demo checkpoint, tiny-dream-code. */
module dev.dream4j.demo {
    exports dev.dream4j.demo;
}
