package dev.dream4j.cli;

import dev.dream4j.api.DiffusionLM;
import dev.dream4j.demo.DemoModel;
import dev.dream4j.server.Dream4jServer;
import dev.dream4j.server.RequestGuard;
import dev.dream4j.server.ClusterConfig;
import dev.dream4j.server.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code dream4j serve}: the OpenAI-style HTTP server with the canvas viewer page. */
@Command(name = "serve", description = {
        "Serve a model over HTTP: POST /v1/completions, /v1/chat/completions, /v1/infill, /v1/denoise (SSE);",
        "GET /v1/models, /health, /metrics, and a canvas viewer page at /;",
        "on the same port (HTTP/2) the gRPC service dream4j.v1.Dream4j (dream4j.proto in the server module);",
        "with --cluster, a node of a cluster that runs each request on its least-loaded node."})
final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions model = new ModelOptions();

    @Option(names = "--host", defaultValue = ServerConfig.DEFAULT_HOST, paramLabel = "ADDR",
            description = "Interface to bind (default: ${DEFAULT-VALUE}, loopback only).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "PORT", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--model-name", paramLabel = "ID", description = "The model id in /v1/models and responses (default: the directory name).")
    String modelName;

    /** The default of {@code --max-batch}: enough rows for the bench's 16 clients at once. */
    static final int DEFAULT_MAX_BATCH = 16;

    @Option(names = "--max-batch", defaultValue = "" + DEFAULT_MAX_BATCH, paramLabel = "N",
            description = {"Continuous batching: canvas rows the running generations share one step forward with",
                    "(default: ${DEFAULT-VALUE}); 1 runs one generation at a time, as before."})
    int maxBatch;

    @Option(names = "--max-in-flight", paramLabel = "N", description = "Generations running at once (default: --max-batch).")
    Integer maxInFlight;

    @Option(names = "--max-queue", defaultValue = "16", paramLabel = "N", description = "Generations waiting; beyond it: 429 (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS", description = "Longest a request may take, queueing included (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--max-body", defaultValue = "1048576", paramLabel = "BYTES", description = "Largest request body (default: ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--allow-host", paramLabel = "NAME", description = "A host name clients reach the server by, admitted in Host and Origin headers besides IP literals, localhost and --host; repeatable; '*' admits any (behind a proxy).")
    java.util.List<String> allowHosts = new java.util.ArrayList<>();
    @Option(names = "--cluster", description = {"Join a dream4j cluster (Vert.x, Hazelcast TCP join on --cluster-host only, no multicast):",
            "requests accepted here run on the least-loaded node serving the same model."})
    boolean cluster;

    @Option(names = "--cluster-host", defaultValue = ServerConfig.DEFAULT_HOST, paramLabel = "ADDR",
            description = "Interface the cluster traffic binds to and advertises (default: ${DEFAULT-VALUE}).")
    String clusterHost;

    @Option(names = "--cluster-port", defaultValue = "" + ClusterConfig.DEFAULT_PORT, paramLabel = "PORT",
            description = "Hazelcast member port on --cluster-host (default: ${DEFAULT-VALUE}).")
    int clusterPort;

    @Option(names = "--join", paramLabel = "HOST:PORT", split = ",",
            description = "Members to join through (their --cluster-host:--cluster-port); repeatable or comma-separated; none for the first node.")
    java.util.List<String> join = new java.util.ArrayList<>();

    @Option(names = "--access-log", description = "Log one line per request (logger dev.dream4j.server.access; default: off).")
    boolean accessLog;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        }
        try {
            java.net.InetAddress.getByName(host); // an unknown host fails here in one line, not deep in the server
        } catch (java.net.UnknownHostException | SecurityException e) {
            throw new dev.dream4j.api.InvalidRequestException("--host", "cannot resolve '" + host + "'");
        }
        if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
            throw new dev.dream4j.api.InvalidRequestException("--host", "'" + host + "' is not a host name or address");
        }
        int inFlight = maxInFlight != null ? maxInFlight : maxBatch;
        if (maxBatch < 1 || inFlight < 1 || maxQueue < 0 || timeoutSeconds < 1 || maxBody < 1024) {
            throw new IllegalArgumentException("--max-batch >= 1, --max-in-flight >= 1, --max-queue >= 0, --timeout >= 1 and --max-body >= 1024 are required");
        }
        String name = modelName != null ? modelName
                : DemoModel.NAME.equals(model.model) ? "tiny-dream-code" : model.directory().toAbsolutePath().normalize().getFileName().toString();
        ServerConfig config = ServerConfig.defaults(name).withHost(host).withPort(port)
                .withConcurrency(inFlight, maxQueue).withMaxBodyBytes(maxBody).withRequestTimeout(Duration.ofSeconds(timeoutSeconds)).withAccessLog(accessLog);
        if (!cluster && !join.isEmpty()) {
            throw new dev.dream4j.api.InvalidRequestException("--join", "--join needs --cluster");
        }
        if (clusterPort < 1 || clusterPort > 65535) {
            throw new dev.dream4j.api.InvalidRequestException("--cluster-port", "--cluster-port must be in [1, 65535], got " + clusterPort);
        }
        ClusterConfig clusterConfig;
        try {
            clusterConfig = cluster ? ClusterConfig.of(clusterHost, clusterPort, join) : null;
        } catch (IllegalArgumentException e) {
            throw new dev.dream4j.api.InvalidRequestException("--join", e.getMessage());
        }
        try (DiffusionLM lm = model.open(maxBatch);
             Dream4jServer server = Dream4jServer.start(lm, config, RequestGuard.of(host, allowHosts), clusterConfig)) {
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dream4j-serve-shutdown"));
            spec.commandLine().getErr().println("dream4j: serving " + name + " on " + server.url() + " (open it in a browser to watch the canvas)");
            spec.commandLine().getErr().flush();
            spec.commandLine().getOut().println(server.url());
            spec.commandLine().getOut().flush();
            server.awaitStop();
        }
        return 0;
    }
}
