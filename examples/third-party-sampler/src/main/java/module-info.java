/**
 * A third-party dream4j sampler. It needs nothing but the SPI; dream4j finds the provider through the {@code provides}
 * clause when the jar sits in a {@code --plugins} directory (module path), and through
 * {@code META-INF/services/dev.dream4j.spi.sampling.SamplerProvider} when it is loaded from the class path.
 */
module com.example.dream4j.lefttoright {
    requires dev.dream4j.spi;

    provides dev.dream4j.spi.sampling.SamplerProvider with com.example.dream4j.lefttoright.LeftToRightSamplerProvider;
}
