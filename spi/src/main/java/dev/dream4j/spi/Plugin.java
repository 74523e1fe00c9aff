package dev.dream4j.spi;

/**
 * What every provider tells about itself. Implementations must be cheap to construct and to query: no native code,
 * no file access, no threads; discovery only lists.
 */
public interface Plugin {

    /** The name users select it by, unique per kind: {@code [a-z0-9][a-z0-9._-]*}; the registry refuses others. */
    String name();

    /** Higher wins when the user names none. */
    default int priority() {
        return 0;
    }

    /** One line for {@code dream4j plugins}. */
    default String description() {
        return "";
    }

    /** The SPI major version the plug-in was built against; a mismatch makes the registry refuse it. */
    default int spiVersion() {
        return SpiVersion.MAJOR;
    }
}
