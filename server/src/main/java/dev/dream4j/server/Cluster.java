package dev.dream4j.server;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Scale-out over a Vert.x cluster: every node accepts requests (HTTP and gRPC), validates them, and runs each on the
 * least-loaded node serving the same model, itself included (a tie stays here, saving the hop). A forwarded request
 * travels over the clustered event bus as its validated JSON body; the node running it streams its answer back as
 * the same events the local transports write ({@link RemoteExchange}), and the accepting node relays them to the
 * client. Loads are published every {@value #LOAD_PERIOD_MS} ms. A node that leaves the cluster fails the requests
 * it was running for others with a 503 naming it ({@code UNAVAILABLE} over gRPC), and new requests route around it;
 * a client that goes away cancels the remote generation like a local one.
 */
final class Cluster {
    private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);
    static final String INFILL = "INFILL";
    static final String INFILL_STREAM = "INFILL_STREAM";
    private static final String LOAD = "dream4j.cluster.load";
    private static final long LOAD_PERIOD_MS = 200;
    /** A node not heard from for this long is not sent new requests (it left, or its event loop is stuck). */
    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(3);

    private final Vertx vertx;
    private final String self;
    private final Endpoints endpoints;
    private final ServerConfig config;
    private final Metrics metrics;
    private final Map<String, NodeLoad> nodes = new ConcurrentHashMap<>();
    private final Map<String, Forwarded> forwarded = new ConcurrentHashMap<>();
    private final Map<String, RemoteExchange> running = new ConcurrentHashMap<>();
    private final LongAdder forwardedTotal = new LongAdder();
    private final LongAdder remoteTotal = new LongAdder();
    private final LongAdder lostTotal = new LongAdder();

    private record NodeLoad(String node, String model, long load, long seenNanos) {
    }

    private record Forwarded(Exchange ex, String node) {
    }

    private Cluster(Vertx vertx, String self, Endpoints endpoints, ServerConfig config, Metrics metrics) {
        this.vertx = vertx;
        this.self = self;
        this.endpoints = endpoints;
        this.config = config;
        this.metrics = metrics;
    }

    /** A clustered Vert.x and its cluster manager. */
    record Joined(Vertx vertx, HazelcastClusterManager manager) {
    }

    /** A clustered Vert.x joined to the cluster {@code c} describes (blocks until joined). */
    static Joined join(VertxOptions options, ClusterConfig c) throws Exception {
        Config hz = ConfigUtil.loadConfig();
        hz.setClusterName(c.name());
        hz.setProperty("hazelcast.phone.home.enabled", "false");
        hz.setProperty("hazelcast.logging.type", "slf4j");
        hz.setProperty("hazelcast.shutdownhook.enabled", "false");
        hz.setProperty("hazelcast.socket.bind.any", "false");
        hz.setProperty("hazelcast.wait.seconds.before.join", "0");
        // a killed node is noticed within seconds, not Hazelcast's default minute
        hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        hz.setProperty("hazelcast.max.no.heartbeat.seconds", "4");
        NetworkConfig net = hz.getNetworkConfig();
        net.setPort(c.port()).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).setInterfaces(List.of(c.host()));
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(new ArrayList<>(c.members().isEmpty() ? List.of(c.host() + ":" + c.port()) : c.members()));
        HazelcastClusterManager manager = new HazelcastClusterManager(hz);
        options.getEventBusOptions().setHost(c.host()).setPort(0);
        Vertx vertx = Vertx.builder().with(options).withClusterManager(manager).buildClustered()
                .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
        return new Joined(vertx, manager);
    }

    /** Starts this node's part: its consumers, load reports and membership watch. */
    static Cluster start(Joined joined, Endpoints endpoints, ServerConfig config, Metrics metrics)
            throws java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException, InterruptedException {
        Vertx vertx = joined.vertx();
        HazelcastClusterManager manager = joined.manager();
        Cluster cluster = new Cluster(vertx, manager.getNodeId(), endpoints, config, metrics);
        List<MessageConsumer<JsonObject>> consumers = List.of(
                vertx.eventBus().consumer("dream4j.run." + cluster.self, cluster::run),
                vertx.eventBus().consumer("dream4j.reply." + cluster.self, cluster::reply),
                vertx.eventBus().consumer("dream4j.cancel." + cluster.self, cluster::cancel),
                vertx.eventBus().consumer(LOAD, cluster::load));
        Future.all(consumers.stream().map(MessageConsumer::completion).toList())
                .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        manager.nodeListener(new NodeListener() {
            @Override
            public void nodeAdded(String nodeID) {
                LOG.info("cluster node {} joined", nodeID);
            }

            @Override
            public void nodeLeft(String nodeID) {
                cluster.left(nodeID);
            }
        });
        vertx.setPeriodic(0, LOAD_PERIOD_MS, id -> cluster.publishLoad());
        LOG.info("joined the dream4j cluster as node {} ({} member(s))", cluster.self, manager.getNodes().size());
        return cluster;
    }

    String node() {
        return self;
    }

    /** Nodes serving this model that were heard from recently, this one included. */
    int liveNodes() {
        long now = System.nanoTime();
        return 1 + (int) nodes.values().stream().filter(n -> !n.node().equals(self) && n.model().equals(config.modelName())
                && now - n.seenNanos() < STALE_NANOS).count();
    }

    void render(StringBuilder sb) {
        Metrics.gauge(sb, "dream4j_cluster_nodes", "Cluster nodes serving this model that reported recently (this one included).", liveNodes());
        Metrics.counter(sb, "dream4j_cluster_forwarded_total", "Requests accepted here and run on another node.", forwardedTotal.sum());
        Metrics.counter(sb, "dream4j_cluster_remote_total", "Requests run here for another node.", remoteTotal.sum());
        Metrics.counter(sb, "dream4j_cluster_lost_total", "Forwarded requests failed because their node left the cluster.", lostTotal.sum());
    }

    private void publishLoad() {
        vertx.eventBus().publish(LOAD, new JsonObject().put("node", self).put("model", config.modelName()).put("load", metrics.inFlight()));
    }

    private void load(Message<JsonObject> m) {
        JsonObject b = m.body();
        String node = b.getString("node");
        if (!self.equals(node)) {
            nodes.put(node, new NodeLoad(node, b.getString("model"), b.getLong("load"), System.nanoTime()));
        }
    }

    /** The node to run the next request on: the least loaded, this one on a tie; empty for this one. */
    private Optional<String> pick() {
        long now = System.nanoTime();
        long best = metrics.inFlight();
        String bestNode = null;
        for (NodeLoad n : nodes.values()) {
            if (n.model().equals(config.modelName()) && now - n.seenNanos() < STALE_NANOS && n.load() < best) {
                best = n.load();
                bestNode = n.node();
            }
        }
        if (bestNode != null) {
            // counted at once, so a burst spreads instead of piling onto the node that looked idle
            nodes.computeIfPresent(bestNode, (k, v) -> new NodeLoad(v.node(), v.model(), v.load() + 1, v.seenNanos()));
        }
        return Optional.ofNullable(bestNode);
    }

    /**
     * Sends the request to another node when one is less loaded; false when it should run here. If the chosen node
     * cannot be reached, the request runs here ({@code local}).
     */
    boolean forward(Exchange ex, String op, JsonObject body, String endpoint, Runnable local) {
        Optional<String> target = pick();
        if (target.isEmpty()) {
            return false;
        }
        String node = target.get();
        String id = UUID.randomUUID().toString();
        forwarded.put(id, new Forwarded(ex, node));
        forwardedTotal.increment();
        ex.onClientGone(() -> {
            if (forwarded.remove(id) != null) {
                vertx.eventBus().send("dream4j.cancel." + node, new JsonObject().put("id", id));
            }
        });
        ex.deadline(config.requestTimeout().toMillis());
        JsonObject msg = new JsonObject().put("id", id).put("origin", self).put("op", op).put("endpoint", endpoint).put("body", body);
        vertx.eventBus().request("dream4j.run." + node, msg, new DeliveryOptions().setSendTimeout(10_000)).onFailure(t -> {
            if (forwarded.remove(id) != null) {
                LOG.warn("cluster node {} did not take a request ({}); running it here", node, t.getMessage());
                nodes.remove(node);
                local.run();
            }
        });
        return true;
    }

    /** Runs a request another node accepted; its answer goes back as events. */
    private void run(Message<JsonObject> m) {
        JsonObject b = m.body();
        m.reply("accepted");
        String id = b.getString("id");
        String endpoint = b.getString("endpoint");
        String op = b.getString("op");
        RemoteExchange ex = new RemoteExchange(vertx, endpoint, metrics, b.getString("origin"), id);
        running.put(id, ex);
        remoteTotal.increment();
        try {
            Body body = Body.of(b.getJsonObject("body"));
            switch (op) {
                case INFILL, INFILL_STREAM -> endpoints.infill(ex, GenSpec.infill(body), op.equals(INFILL_STREAM), endpoint);
                default -> {
                    GenSpec.Kind kind = GenSpec.Kind.valueOf(op);
                    endpoints.generation(ex, GenSpec.read(body, kind, config), kind, endpoint);
                }
            }
        } catch (ApiException e) {
            ex.error(e);
        } catch (RuntimeException e) {
            ex.error(Errors.map(e, "prompt"));
        }
    }

    private void cancel(Message<JsonObject> m) {
        RemoteExchange ex = running.remove(m.body().getString("id"));
        if (ex != null) {
            ex.cancel();
        }
    }

    /** An event of a forwarded request's answer, relayed to its client. */
    private void reply(Message<JsonObject> m) {
        JsonObject b = m.body();
        String id = b.getString("id");
        String type = b.getString("type");
        Forwarded f = type.equals("event") ? forwarded.get(id) : forwarded.remove(id);
        if (f == null) {
            return;
        }
        switch (type) {
            case "json" -> f.ex().json(b.getInteger("status"), b.getJsonObject("body"));
            case "event" -> f.ex().sse(b.getJsonObject("event"));
            case "done" -> f.ex().sseDone();
            default -> {
                JsonObject e = b.getJsonObject("error");
                ApiException error = new ApiException(e.getInteger("status"), e.getString("type"), e.getString("param"),
                        e.getString("code"), e.getString("message"));
                if (b.getLong("retry_after") != null) {
                    f.ex().busy(error, b.getLong("retry_after"));
                } else {
                    f.ex().error(error);
                }
            }
        }
    }

    /** A node left: its forwarded requests fail, requests it sent here stop, and it gets no new ones. */
    private void left(String node) {
        LOG.warn("cluster node {} left", node);
        nodes.remove(node);
        forwarded.forEach((id, f) -> {
            if (f.node().equals(node) && forwarded.remove(id) != null) {
                lostTotal.increment();
                f.ex().error(new ApiException(503, "server_error", null, "node_unavailable",
                        "the cluster node running this request (" + node + ") left the cluster; retry the request"));
            }
        });
        running.forEach((id, ex) -> {
            if (ex.origin.equals(node) && running.remove(id) != null) {
                ex.cancel();
            }
        });
    }

    /** The answer of a request run here for another node: every write becomes an event-bus message to that node. */
    final class RemoteExchange extends Exchange {
        private final String origin;
        private final String id;
        private boolean closed;
        private Long retryAfter;

        RemoteExchange(Vertx vertx, String endpoint, Metrics metrics, String origin, String id) {
            super(vertx, endpoint, metrics);
            this.origin = origin;
            this.id = id;
        }

        void cancel() {
            closed = true;
            vertx.runOnContext(v -> clientGone());
        }

        private void send(JsonObject msg) {
            vertx.eventBus().send("dream4j.reply." + origin, msg.put("id", id));
        }

        private void end(JsonObject msg) {
            closed = true;
            running.remove(id);
            send(msg);
        }

        @Override
        protected boolean open() {
            return !closed;
        }

        @Override
        protected void sendJson(int status, JsonObject body) {
            end(new JsonObject().put("type", "json").put("status", status).put("body", body));
        }

        @Override
        protected void sendError(ApiException e, boolean streamStarted) {
            end(new JsonObject().put("type", "error").put("retry_after", retryAfter).put("error", new JsonObject()
                    .put("status", e.status()).put("type", e.type()).put("param", e.param()).put("code", e.code())
                    .put("message", e.getMessage())));
        }

        @Override
        protected void sendStreamHead() {
            // the accepting node starts its client's stream with the first event
        }

        @Override
        protected void sendEvent(JsonObject event) {
            send(new JsonObject().put("type", "event").put("event", event));
        }

        @Override
        protected void sendDone() {
            end(new JsonObject().put("type", "done"));
        }

        @Override
        protected boolean reportsStreamErrorsInBand() {
            return false;
        }

        @Override
        protected void retryAfter(long seconds) {
            retryAfter = seconds;
        }
    }
}
