package dev.dream4j.server;

import java.util.List;
import java.util.Objects;

/**
 * How a node joins a dream4j cluster (a Vert.x cluster with the Hazelcast cluster manager): members find each other
 * over TCP on {@code host} only (no multicast, no other interface), starting from the {@code members} addresses.
 *
 * @param host    the interface Hazelcast and the event bus bind to and advertise (loopback by default)
 * @param port    Hazelcast's member port on {@code host}
 * @param members {@code host:port} of other members to join through (the first node of a cluster lists none)
 * @param name    the cluster name; nodes with another name do not join
 */
public record ClusterConfig(String host, int port, List<String> members, String name) {
    public static final int DEFAULT_PORT = 5701;

    public ClusterConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("cluster port must be in [1, 65535], got " + port);
        }
        for (String m : members) {
            int colon = m.lastIndexOf(':');
            if (m.isBlank() || colon == 0 || (colon > 0 && !m.substring(colon + 1).chars().allMatch(Character::isDigit))) {
                throw new IllegalArgumentException("a cluster member is host or host:port, got '" + m + "'");
            }
        }
    }

    /** A node on {@code host:port} joining through {@code members}, cluster name {@code dream4j}. */
    public static ClusterConfig of(String host, int port, List<String> members) {
        return new ClusterConfig(host, port, members, "dream4j");
    }
}
