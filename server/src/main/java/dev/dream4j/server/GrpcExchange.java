package dev.dream4j.server;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.server.GrpcServerRequest;
import io.vertx.grpc.server.GrpcServerResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An {@link Exchange} over gRPC. The endpoints answer with the HTTP API's JSON objects; each is read into the call's
 * protobuf message by the protobuf JSON mapping (the .proto names its fields after the JSON keys), so both transports
 * carry the same content from one implementation. Errors end the call with a status mapped from the HTTP status.
 */
final class GrpcExchange extends Exchange {
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();

    private final GrpcServerResponse<?, Message> response;
    private final Supplier<Message.Builder> messageType;
    private final Function<List<Message>, Message> collect;
    private final List<Message> collected = new ArrayList<>();
    private boolean closed;
    private boolean wroteMessage;

    /**
     * @param messageType the response message (unary) or the stream's message type
     * @param collect     for a unary call over a streaming endpoint (Denoise): folds the events into the answer; else null
     */
    GrpcExchange(Vertx vertx, GrpcServerRequest<?, Message> request, String endpoint, Metrics metrics,
                 Supplier<Message.Builder> messageType, Function<List<Message>, Message> collect) {
        super(vertx, endpoint, metrics);
        this.response = request.response();
        this.messageType = messageType;
        this.collect = collect;
        // A cancelled call resets its HTTP/2 stream; a closed connection ends every stream on it.
        request.errorHandler(err -> gone());
        request.exceptionHandler(t -> gone());
        response.exceptionHandler(t -> gone());
    }

    private void gone() {
        closed = true;
        clientGone();
    }

    /** The status a transport-neutral error (an HTTP status) becomes. */
    static GrpcStatus status(ApiException e) {
        return switch (e.status()) {
            case 400, 413, 415 -> GrpcStatus.INVALID_ARGUMENT;
            case 404 -> GrpcStatus.NOT_FOUND;
            case 429 -> GrpcStatus.RESOURCE_EXHAUSTED;
            case 504 -> GrpcStatus.DEADLINE_EXCEEDED;
            case 503 -> GrpcStatus.UNAVAILABLE;
            case 403 -> GrpcStatus.PERMISSION_DENIED;
            default -> GrpcStatus.INTERNAL;
        };
    }

    private Message convert(JsonObject json) {
        Message.Builder b = messageType.get();
        try {
            JSON.merge(json.encode(), b);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("the answer does not fit " + b.getDescriptorForType().getFullName() + ": " + e.getMessage(), e);
        }
        return b.build();
    }

    @Override
    protected boolean open() {
        return !closed;
    }

    @Override
    protected void sendJson(int status, JsonObject body) {
        closed = true;
        response.end(convert(body));
    }

    @Override
    protected void sendError(ApiException e, boolean streamStarted) {
        closed = true;
        String message = e.getMessage();
        if (e.param() != null && (message == null || !message.contains(e.param()))) {
            message = e.param() + ": " + message;
        }
        // before any message the error is a trailers-only response: its metadata travels in the headers
        io.vertx.core.MultiMap metadata = wroteMessage ? response.trailers() : response.headers();
        if (e.param() != null) {
            metadata.set("dream4j-param", e.param());
        }
        if (e.code() != null) {
            metadata.set("dream4j-code", e.code());
        }
        response.status(status(e)).statusMessage(message).end();
    }

    @Override
    protected void sendStreamHead() {
        // headers go with the first message
    }

    @Override
    protected void sendEvent(JsonObject event) {
        if (collect != null) {
            collected.add(convert(event));
        } else {
            wroteMessage = true;
            response.write(convert(event));
        }
    }

    @Override
    protected void sendDone() {
        closed = true;
        if (collect != null) {
            response.end(collect.apply(collected));
        } else {
            response.end();
        }
    }

    @Override
    protected boolean reportsStreamErrorsInBand() {
        return false;
    }

    @Override
    protected void retryAfter(long seconds) {
        // a 429 comes before any message: a trailers-only response, whose metadata is its headers
        response.headers().set("retry-after", Long.toString(seconds));
    }
}
