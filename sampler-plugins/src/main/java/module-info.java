/** Dream's samplers and logits processors. */
module dev.dream4j.samplers {
    requires dev.dream4j.spi;
}
