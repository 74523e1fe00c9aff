package dev.dream4j.server;

import java.time.Duration;
import java.util.Objects;

/**
 * How the server listens and how much work it accepts.
 *
 * @param host            the interface to bind (loopback by default)
 * @param port            the TCP port; 0 picks a free one
 * @param modelName       the id reported by {@code /v1/models} and in responses
 * @param maxInFlight     generations running at once (each on its own worker thread)
 * @param maxQueue        generations waiting for a worker; beyond it requests get {@code 429}
 * @param maxBodyBytes    the largest request body; larger ones get {@code 413}
 * @param requestTimeout  the longest a generation may take, queueing included; then {@code 504} (or an SSE error)
 * @param maxSteps        the largest {@code steps} a request may ask for
 * @param maxN            the largest {@code n} a request may ask for (and of prompts × {@code n} rows)
 * @param accessLog       log one line per request on the {@code dev.dream4j.server.access} logger (off by default)
 */
public record ServerConfig(String host, int port, String modelName, int maxInFlight, int maxQueue, long maxBodyBytes,
                           Duration requestTimeout, int maxSteps, int maxN, boolean accessLog) {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
        }
        if (maxQueue < 0) {
            throw new IllegalArgumentException("maxQueue must be >= 0, got " + maxQueue);
        }
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("maxBodyBytes must be >= 1024, got " + maxBodyBytes);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
        if (maxSteps < 1 || maxN < 1) {
            throw new IllegalArgumentException("maxSteps and maxN must be >= 1");
        }
    }

    /** Loopback, port 8080, 1 generation in flight, 16 queued, 1 MiB bodies, 5 minute timeout. */
    public static ServerConfig defaults(String modelName) {
        return new ServerConfig(DEFAULT_HOST, DEFAULT_PORT, modelName, 1, 16, 1 << 20, Duration.ofMinutes(5), 4096, 16, false);
    }

    public ServerConfig withHost(String h) {
        return new ServerConfig(h, port, modelName, maxInFlight, maxQueue, maxBodyBytes, requestTimeout, maxSteps, maxN, accessLog);
    }

    public ServerConfig withPort(int p) {
        return new ServerConfig(host, p, modelName, maxInFlight, maxQueue, maxBodyBytes, requestTimeout, maxSteps, maxN, accessLog);
    }

    public ServerConfig withConcurrency(int inFlight, int queue) {
        return new ServerConfig(host, port, modelName, inFlight, queue, maxBodyBytes, requestTimeout, maxSteps, maxN, accessLog);
    }

    public ServerConfig withMaxBodyBytes(long bytes) {
        return new ServerConfig(host, port, modelName, maxInFlight, maxQueue, bytes, requestTimeout, maxSteps, maxN, accessLog);
    }

    public ServerConfig withRequestTimeout(Duration timeout) {
        return new ServerConfig(host, port, modelName, maxInFlight, maxQueue, maxBodyBytes, timeout, maxSteps, maxN, accessLog);
    }

    public ServerConfig withAccessLog(boolean on) {
        return new ServerConfig(host, port, modelName, maxInFlight, maxQueue, maxBodyBytes, requestTimeout, maxSteps, maxN, on);
    }
}
