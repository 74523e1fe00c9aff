package dev.dream4j.kernel.plugin;

import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendOptions;
import dev.dream4j.spi.backend.BackendProvider;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.ModelDescription;

import java.util.concurrent.atomic.AtomicInteger;

/** Backend providers registered in this module's test META-INF/services. */
final class TestBackends {
    /** Counts {@code open} calls: discovery must make none. */
    static final AtomicInteger OPENED = new AtomicInteger();

    private TestBackends() {
    }

    public static final class Alpha implements BackendProvider {
        @Override
        public String name() {
            return "alpha";
        }

        @Override
        public int priority() {
            return 1;
        }

        @Override
        public Backend open(ModelDescription model, Checkpoint checkpoint, BackendOptions options) {
            OPENED.incrementAndGet();
            throw new UnsupportedOperationException("test provider");
        }
    }

    /** Higher priority but unavailable (as a CUDA backend on a machine without CUDA). */
    public static final class Beta implements BackendProvider {
        @Override
        public String name() {
            return "beta";
        }

        @Override
        public int priority() {
            return 5;
        }

        @Override
        public boolean isAvailable() {
            return false;
        }

        @Override
        public java.util.Optional<String> unavailableReason() {
            return java.util.Optional.of("no beta device on this machine");
        }

        @Override
        public Backend open(ModelDescription model, Checkpoint checkpoint, BackendOptions options) {
            OPENED.incrementAndGet();
            throw new UnsupportedOperationException("test provider");
        }
    }
}
