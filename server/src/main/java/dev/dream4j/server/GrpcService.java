package dev.dream4j.server;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.dream4j.api.InfillRequest;
import dev.dream4j.server.grpc.Completion;
import dev.dream4j.server.grpc.DenoiseEvent;
import dev.dream4j.server.grpc.DenoiseTrace;
import dev.dream4j.server.grpc.GenerateRequest;
import dev.dream4j.server.grpc.InfillEvent;
import dev.dream4j.server.grpc.InfillResponse;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.ServiceMethod;
import io.vertx.grpc.common.ServiceName;
import io.vertx.grpc.server.GrpcServer;
import io.vertx.grpc.server.GrpcServerRequest;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The gRPC service {@code dream4j.v1.Dream4j} ({@code src/main/protobuf/dream4j.proto}). A request message becomes
 * the HTTP API's JSON body (same field names) and goes through the same parser and validation ({@link GenSpec},
 * {@link Body}) and the same endpoint code ({@link Endpoints}); only the answer's transport differs ({@link GrpcExchange}).
 */
final class GrpcService {
    static final ServiceName SERVICE = ServiceName.create("dream4j.v1.Dream4j");

    private final Vertx vertx;
    private final Endpoints endpoints;
    private final ServerConfig config;
    private final Metrics metrics;

    GrpcService(Vertx vertx, Endpoints endpoints, ServerConfig config, Metrics metrics) {
        this.vertx = vertx;
        this.endpoints = endpoints;
        this.config = config;
        this.metrics = metrics;
    }

    /** A {@link GrpcServer} (an HTTP request handler) with every method of the service. */
    GrpcServer server() {
        GrpcServer server = GrpcServer.server(vertx);
        server.callHandler(method("Generate", GenerateRequest.getDefaultInstance()),
                req -> req.handler(msg -> generate(req, (GenerateRequest) msg, false, Completion::newBuilder, null)));
        server.callHandler(method("GenerateStream", GenerateRequest.getDefaultInstance()),
                req -> req.handler(msg -> generate(req, (GenerateRequest) msg, true, Completion::newBuilder, null)));
        server.callHandler(method("Denoise", GenerateRequest.getDefaultInstance()),
                req -> req.handler(msg -> generate(req, (GenerateRequest) msg, true, DenoiseEvent::newBuilder,
                        events -> DenoiseTrace.newBuilder().addAllEvents(events.stream().map(DenoiseEvent.class::cast).toList()).build())));
        server.callHandler(method("DenoiseStream", GenerateRequest.getDefaultInstance()),
                req -> req.handler(msg -> generate(req, (GenerateRequest) msg, true, DenoiseEvent::newBuilder, null)));
        server.callHandler(method("Infill", dev.dream4j.server.grpc.InfillRequest.getDefaultInstance()),
                req -> req.handler(msg -> infill(req, msg, false)));
        server.callHandler(method("InfillStream", dev.dream4j.server.grpc.InfillRequest.getDefaultInstance()),
                req -> req.handler(msg -> infill(req, msg, true)));
        return server;
    }

    private static ServiceMethod<Message, Message> method(String name, Message requestType) {
        return ServiceMethod.server(SERVICE, name, GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(requestType));
    }

    private void generate(GrpcServerRequest<Message, Message> req, GenerateRequest msg, boolean stream,
                          Supplier<Message.Builder> answerType, Function<List<Message>, Message> collect) {
        String endpoint = endpoint(req);
        boolean denoise = req.methodName().startsWith("Denoise");
        GrpcExchange ex = exchange(req, endpoint, answerType, collect);
        GenSpec.Kind kind = denoise ? GenSpec.Kind.DENOISE : msg.getMessagesCount() > 0 ? GenSpec.Kind.CHAT : GenSpec.Kind.COMPLETION;
        GenSpec spec;
        JsonObject body;
        try {
            body = generateBody(msg, stream);
            spec = GenSpec.read(Body.of(body), kind, config);
        } catch (ApiException e) {
            ex.error(e);
            return;
        }
        endpoints.dispatch(ex, kind.name(), body, endpoint, () -> endpoints.generation(ex, spec, kind, endpoint));
    }

    private void infill(GrpcServerRequest<Message, Message> req, Message msg, boolean stream) {
        String endpoint = endpoint(req);
        GrpcExchange ex = exchange(req, endpoint, stream ? InfillEvent::newBuilder : InfillResponse::newBuilder, null);
        InfillRequest request;
        JsonObject body = json(msg);
        try {
            request = GenSpec.infill(Body.of(body));
        } catch (ApiException e) {
            ex.error(e);
            return;
        }
        endpoints.dispatch(ex, stream ? Cluster.INFILL_STREAM : Cluster.INFILL, body, endpoint,
                () -> endpoints.infill(ex, request, stream, endpoint));
    }

    /** The metrics label of a call: its HTTP/2 path, {@code /dream4j.v1.Dream4j/Method} (a bounded set). */
    private static String endpoint(GrpcServerRequest<?, ?> req) {
        String name = req.fullMethodName();
        return name.startsWith("/") ? name : "/" + name;
    }

    private GrpcExchange exchange(GrpcServerRequest<Message, Message> req, String endpoint,
                                  Supplier<Message.Builder> answerType, Function<List<Message>, Message> collect) {
        GrpcExchange ex = new GrpcExchange(vertx, req, endpoint, metrics, answerType, collect);
        if (req.timeout() > 0) {
            ex.timeLimit(req.timeout());
        }
        return ex;
    }

    /**
     * The HTTP body a GenerateRequest stands for: the fields given, under their names; {@code prompt_ids} is the
     * token-id form of {@code prompt}; {@code include_usage} is {@code stream_options.include_usage}; the
     * {@code options} map is the {@code options} object.
     */
    static JsonObject generateBody(GenerateRequest msg, boolean stream) {
        JsonObject body = json(msg);
        Object ids = body.remove("prompt_ids");
        if (ids != null) {
            if (body.containsKey("prompt")) {
                throw ApiException.invalid("prompt", "give prompt or prompt_ids, not both");
            }
            body.put("prompt", ids);
        }
        if (body.containsKey("messages") && body.containsKey("prompt")) {
            throw ApiException.invalid("messages", "give messages or prompt, not both");
        }
        // a proto map arrives as a list of {key, value} entries (defaults left out); the HTTP body has an object
        if (body.getValue("options") instanceof JsonArray entries) {
            JsonObject options = new JsonObject();
            for (Object e : entries) {
                JsonObject entry = (JsonObject) e;
                options.put(entry.getString("key", ""), entry.getString("value", ""));
            }
            body.put("options", options);
        }
        Object usage = body.remove("include_usage");
        if (usage != null) {
            body.put("stream_options", new JsonObject().put("include_usage", usage));
        }
        body.put("stream", stream);
        return body;
    }

    /** The fields a message sets (proto3 {@code optional} ones only when given), under their .proto names. */
    static JsonObject json(Message msg) {
        JsonObject out = new JsonObject();
        for (Map.Entry<FieldDescriptor, Object> f : msg.getAllFields().entrySet()) {
            out.put(f.getKey().getName(), value(f.getValue()));
        }
        return out;
    }

    private static Object value(Object v) {
        return switch (v) {
            case Message m -> json(m);
            case List<?> list -> {
                JsonArray a = new JsonArray();
                list.forEach(e -> a.add(value(e)));
                yield a;
            }
            default -> v;
        };
    }
}
