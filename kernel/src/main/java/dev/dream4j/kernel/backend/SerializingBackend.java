package dev.dream4j.kernel.backend;

import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.BackendCapabilities;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.KvCache;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.ModelDescription;

/**
 * Makes a backend that declares {@code concurrentForward = false} safe to share: forwards run one at a time.
 */
public final class SerializingBackend implements Backend {
    private final Backend delegate;
    private final Object lock = new Object();

    private SerializingBackend(Backend delegate) {
        this.delegate = delegate;
    }

    /** {@code backend} itself when it allows concurrent forwards, else a serialising wrapper. */
    public static Backend wrap(Backend backend) {
        return backend.capabilities().concurrentForward() ? backend : new SerializingBackend(backend);
    }

    @Override
    public ModelDescription model() {
        return delegate.model();
    }

    @Override
    public BackendCapabilities capabilities() {
        BackendCapabilities c = delegate.capabilities();
        return new BackendCapabilities(c.maxBatch(), true, c.kvCache(), c.weightTypes());
    }

    @Override
    public Logits forward(ForwardBatch batch) {
        synchronized (lock) {
            return delegate.forward(batch);
        }
    }

    @Override
    public KvCache openCache(int batch, int length) {
        KvCache cache;
        synchronized (lock) {
            cache = delegate.openCache(batch, length);
        }
        return new KvCache() {
            @Override
            public Logits refresh(ForwardBatch b) {
                synchronized (lock) {
                    return cache.refresh(b);
                }
            }

            @Override
            public Logits window(ForwardBatch b, int from, int to) {
                synchronized (lock) {
                    return cache.window(b, from, to);
                }
            }

            @Override
            public void close() {
                synchronized (lock) {
                    cache.close();
                }
            }
        };
    }

    @Override
    public void close() {
        synchronized (lock) {
            delegate.close();
        }
    }
}
