package dev.dream4j.server;

import java.util.Arrays;
import java.util.List;

/**
 * One cluster node in its own JVM, for {@link ClusterTest}: the demo model served on a free loopback port, joined to
 * the cluster through the given members. Prints {@code READY <http port>} once it serves; exits when stdin closes.
 * Arguments: the Hazelcast port, then the members ({@code 127.0.0.1:port}).
 */
public final class ClusterNodeMain {
    private ClusterNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        int hzPort = Integer.parseInt(args[0]);
        List<String> members = Arrays.asList(args).subList(1, args.length);
        // -Ddream4j.node.maxBatch=N: serve as `serve --max-batch N` does (ClusterTest's opt-in benchmark)
        int maxBatch = Integer.getInteger("dream4j.node.maxBatch", 0);
        Dream4jServer server = Dream4jServer.start(maxBatch > 0 ? ClusterTest.batchedModel(maxBatch) : TestSupport.model(),
                maxBatch > 0 ? ClusterTest.nodeConfig().withConcurrency(maxBatch, 16) : ClusterTest.nodeConfig(),
                RequestGuard.of("127.0.0.1", List.of()), ClusterConfig.of("127.0.0.1", hzPort, members));
        System.out.println("READY " + server.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close stdin (or to kill this process)
        }
        server.close();
        System.exit(0);
    }
}
