/**
 * An OpenAI-style HTTP server for a loaded dream4j model, on Vert.x 5: completions and chat completions (with SSE
 * streaming of settled text), infilling, a per-step denoising stream, models, health, Prometheus metrics and a
 * canvas viewer page; and the gRPC service {@code dream4j.v1.Dream4j} on the same port.
 */
module dev.dream4j.server {
    requires transitive dev.dream4j.api;
    requires io.vertx.core;
    requires io.vertx.web;
    requires io.vertx.grpc.common;
    requires io.vertx.grpc.server;
    requires com.google.protobuf;
    requires com.google.protobuf.util;
    requires io.vertx.clustermanager.hazelcast;
    requires com.hazelcast.core;
    // Hazelcast (an automatic module) loads javax.transaction.xa when a member starts; on the module path the JDK
    // module is resolved only when something requires it.
    requires java.transaction.xa;
    requires org.slf4j;
    requires java.management;
    requires jdk.management;

    exports dev.dream4j.server;
    /** The gRPC messages generated from dream4j.proto, for Java clients. */
    exports dev.dream4j.server.grpc;
}
