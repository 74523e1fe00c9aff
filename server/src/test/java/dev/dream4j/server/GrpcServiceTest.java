package dev.dream4j.server;

import com.google.protobuf.Message;
import dev.dream4j.server.grpc.ChatMessage;
import dev.dream4j.server.grpc.Completion;
import dev.dream4j.server.grpc.DenoiseEvent;
import dev.dream4j.server.grpc.DenoiseTrace;
import dev.dream4j.server.grpc.GenerateRequest;
import dev.dream4j.server.grpc.InfillEvent;
import dev.dream4j.server.grpc.InfillRequest;
import dev.dream4j.server.grpc.InfillResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.grpc.client.GrpcClient;
import io.vertx.grpc.client.GrpcClientRequest;
import io.vertx.grpc.client.GrpcClientResponse;
import io.vertx.grpc.common.GrpcMessageDecoder;
import io.vertx.grpc.common.GrpcMessageEncoder;
import io.vertx.grpc.common.GrpcStatus;
import io.vertx.grpc.common.ServiceMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gRPC service on the HTTP port, called with Vert.x's gRPC client: the same answers and errors as HTTP. */
class GrpcServiceTest {
    private static Dream4jServer server;
    private static Vertx vertx;
    private static GrpcClient client;
    private static TestSupport.Http http;

    @BeforeAll
    static void start() {
        server = TestSupport.start(TestSupport.config().withConcurrency(2, 4));
        http = new TestSupport.Http(server.url());
        vertx = Vertx.vertx();
        client = GrpcClient.client(vertx);
    }

    @AfterAll
    static void stop() {
        client.close().await();
        vertx.close().await();
        server.close();
    }

    private static <Req extends Message, Resp extends Message> ServiceMethod<Resp, Req> method(String name, Resp answer) {
        return ServiceMethod.client(GrpcService.SERVICE, name, GrpcMessageEncoder.encoder(), GrpcMessageDecoder.decoder(answer));
    }

    private static <Req extends Message, Resp extends Message> Future<GrpcClientResponse<Req, Resp>> call(String name, Resp answer, Req request) {
        return client.request(SocketAddress.inetSocketAddress(server.port(), "127.0.0.1"), GrpcServiceTest.<Req, Resp>method(name, answer))
                .compose(req -> req.send(request));
    }

    private static <Req extends Message, Resp extends Message> Resp unary(String name, Resp answer, Req request) throws Exception {
        return GrpcServiceTest.<Req, Resp>call(name, answer, request).compose(GrpcClientResponse::last)
                .await(60, TimeUnit.SECONDS);
    }

    /** Every message of a server stream, and its status. */
    private record Streamed<T>(List<T> messages, GrpcStatus status, String message) {
    }

    private static <Req extends Message, Resp extends Message> Streamed<Resp> stream(String name, Resp answer, Req request) throws Exception {
        List<Resp> messages = new CopyOnWriteArrayList<>();
        // the handler is set on the event loop as the response arrives, so no message goes by before it
        GrpcClientResponse<Req, Resp> resp = client.request(SocketAddress.inetSocketAddress(server.port(), "127.0.0.1"),
                        GrpcServiceTest.<Req, Resp>method(name, answer))
                .compose(req -> req.send(request))
                .compose(r -> {
                    r.handler(messages::add);
                    return r.end().otherwise((Void) null).map(v -> r);
                }).await(60, TimeUnit.SECONDS);
        return new Streamed<>(messages, resp.status(), resp.statusMessage());
    }

    /** A response metadata entry: in the trailers, or in the headers of a trailers-only response (an early error). */
    private static String metadata(GrpcClientResponse<?, ?> resp, String name) {
        String v = resp.trailers().get(name);
        return v != null ? v : resp.headers().get(name);
    }

    private static GenerateRequest.Builder completion(String prompt, int tokens) {
        return GenerateRequest.newBuilder().addPrompt(prompt).setMaxTokens(tokens).setSteps(tokens).setSeed(7).setTemperature(0.5);
    }

    @Test
    void unaryGenerateAnswersWhatHttpAnswers() throws Exception {
        Completion c = unary("Generate", Completion.getDefaultInstance(), completion("def add(a, b):", 16).build());
        HttpResponse<String> r = http.post("/v1/completions", new JsonObject().put("prompt", "def add(a, b):")
                .put("max_tokens", 16).put("steps", 16).put("seed", 7).put("temperature", 0.5));
        assertEquals(200, r.statusCode(), r.body());
        JsonObject viaHttp = new JsonObject(r.body());
        assertEquals("text_completion", c.getObject());
        assertEquals("tiny-dream-code", c.getModel());
        assertEquals(viaHttp.getJsonArray("choices").getJsonObject(0).getString("text"), c.getChoices(0).getText());
        assertEquals(viaHttp.getJsonArray("choices").getJsonObject(0).getString("finish_reason"), c.getChoices(0).getFinishReason());
        assertEquals(7, c.getDream4J().getSeed());
        assertEquals(viaHttp.getJsonObject("usage").getInteger("total_tokens"), c.getUsage().getTotalTokens());
    }

    @Test
    void chatGoesThroughTheTemplate() throws Exception {
        Completion c = unary("Generate", Completion.getDefaultInstance(), GenerateRequest.newBuilder()
                .addMessages(ChatMessage.newBuilder().setRole("developer").setContent("Be brief."))
                .addMessages(ChatMessage.newBuilder().setRole("user").setContent("Reverse a string."))
                .setMaxTokens(8).setSteps(8).setSeed(1).build());
        assertEquals("chat.completion", c.getObject());
        assertEquals("assistant", c.getChoices(0).getMessage().getRole());
    }

    @Test
    void streamedChunksAddUpToTheUnaryText() throws Exception {
        GenerateRequest request = completion("def fib(n):", 24).setIncludeUsage(true).build();
        String whole = unary("Generate", Completion.getDefaultInstance(), request).getChoices(0).getText();
        Streamed<Completion> s = stream("GenerateStream", Completion.getDefaultInstance(), request);
        assertEquals(GrpcStatus.OK, s.status(), s.message());
        assertTrue(s.messages().size() >= 2, "chunks: " + s.messages().size());
        StringBuilder text = new StringBuilder();
        String finish = "";
        for (Completion chunk : s.messages()) {
            for (var choice : chunk.getChoicesList()) {
                text.append(choice.getText());
                if (!choice.getFinishReason().isEmpty()) {
                    finish = choice.getFinishReason();
                }
            }
        }
        assertEquals(whole, text.toString());
        assertFalse(finish.isEmpty());
        assertTrue(s.messages().getLast().getUsage().getTotalTokens() > 0, "include_usage: a last message with usage");
        assertTrue(s.messages().stream().anyMatch(m -> m.getDream4J().getSteps() > 0));
    }

    @Test
    void denoiseStreamsEveryStepAndTheUnaryCallCollectsThem() throws Exception {
        GenerateRequest request = completion("def is_prime(n):", 8).build();
        Streamed<DenoiseEvent> s = stream("DenoiseStream", DenoiseEvent.getDefaultInstance(), request);
        assertEquals(GrpcStatus.OK, s.status(), s.message());
        assertEquals("denoise.start", s.messages().getFirst().getObject());
        assertEquals("denoise.done", s.messages().getLast().getObject());
        int total = s.messages().getFirst().getTotalSteps();
        assertEquals(total, s.messages().stream().filter(e -> e.getObject().equals("denoise.step")).count());
        DenoiseEvent last = s.messages().get(s.messages().size() - 2);
        assertEquals(0, last.getMasksLeft());
        assertEquals(s.messages().getFirst().getCanvasLength(), last.getRows(0).getIdsCount());

        DenoiseTrace trace = unary("Denoise", DenoiseTrace.getDefaultInstance(), request);
        assertEquals(s.messages().size(), trace.getEventsCount());
        assertEquals(s.messages().getLast().getChoices(0).getText(), trace.getEvents(trace.getEventsCount() - 1).getChoices(0).getText());
    }

    @Test
    void infillUnaryAndStreamAgree() throws Exception {
        InfillRequest request = InfillRequest.newBuilder().setPrefix("def add(a, b):\n    ").setSuffix("\n\nprint(add(1, 2))\n")
                .setInitialMasks(4).setMaxTokens(16).setSeed(1).build();
        InfillResponse r = unary("Infill", InfillResponse.getDefaultInstance(), request);
        assertEquals("infill", r.getObject());
        assertTrue(r.getMiddleIdsCount() > 0);
        Streamed<InfillEvent> s = stream("InfillStream", InfillEvent.getDefaultInstance(), request);
        assertEquals(GrpcStatus.OK, s.status(), s.message());
        assertEquals(r.getSteps(), s.messages().stream().filter(e -> e.getObject().equals("infill.step")).count());
        assertEquals("infill", s.messages().getLast().getObject());
        assertEquals(r.getMiddle(), s.messages().getLast().getResult().getMiddle());
    }

    @Test
    void badInputIsInvalidArgumentNamingTheFieldWithHttpsMessage() throws Exception {
        GrpcClientResponse<GenerateRequest, Completion> resp = GrpcServiceTest.<GenerateRequest, Completion>call("Generate",
                Completion.getDefaultInstance(), completion("x", 4).setSampler("nope").build()).await(60, TimeUnit.SECONDS);
        resp.end().otherwise((Void) null).await(60, TimeUnit.SECONDS);
        assertEquals(GrpcStatus.INVALID_ARGUMENT, resp.status());
        HttpResponse<String> r = http.post("/v1/completions", new JsonObject().put("prompt", "x").put("max_tokens", 4)
                .put("steps", 4).put("sampler", "nope"));
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertEquals(400, r.statusCode());
        assertEquals(error.getString("message"), resp.statusMessage());
        assertEquals("sampler", metadata(resp, "dream4j-param"));

        Streamed<Completion> s = stream("GenerateStream", Completion.getDefaultInstance(),
                GenerateRequest.newBuilder().addPrompt("x").setMaxTokens(0).build());
        assertEquals(GrpcStatus.INVALID_ARGUMENT, s.status());
        assertTrue(s.message().contains("max_tokens"), s.message());
        assertTrue(s.messages().isEmpty());

        Streamed<InfillEvent> infill = stream("InfillStream", InfillEvent.getDefaultInstance(), InfillRequest.newBuilder().build());
        assertEquals(GrpcStatus.INVALID_ARGUMENT, infill.status());
        assertTrue(infill.message().contains("prefix"), infill.message());
    }

    @Test
    void tooLongIsContextLengthExceeded() throws Exception {
        GrpcClientResponse<GenerateRequest, Completion> resp = GrpcServiceTest.<GenerateRequest, Completion>call("Generate",
                Completion.getDefaultInstance(), completion("x", Integer.MAX_VALUE).clearSteps().build()).await(60, TimeUnit.SECONDS);
        resp.end().otherwise((Void) null).await(60, TimeUnit.SECONDS);
        assertEquals(GrpcStatus.INVALID_ARGUMENT, resp.status());
        assertEquals("context_length_exceeded", metadata(resp, "dream4j-code"));
        assertTrue(resp.statusMessage().contains("maximum context length"), resp.statusMessage());
    }

    @Test
    void cancellingTheCallStopsTheGenerationWithinAStep() throws Exception {
        double cancelledBefore = ServerConcurrencyTest.metric(http, "dream4j_cancelled_total");
        GenerateRequest slow = completion("def slow():", 32).setStepDelayMs(100).build();
        CountDownLatch twoSteps = new CountDownLatch(2);
        GrpcClientRequest<GenerateRequest, DenoiseEvent> req = client.request(SocketAddress.inetSocketAddress(server.port(), "127.0.0.1"),
                GrpcServiceTest.<GenerateRequest, DenoiseEvent>method("DenoiseStream", DenoiseEvent.getDefaultInstance())).await(10, TimeUnit.SECONDS);
        req.response().onSuccess(resp -> resp.handler(e -> {
            if (e.getObject().equals("denoise.step")) {
                twoSteps.countDown();
            }
        }));
        req.end(slow);
        assertTrue(twoSteps.await(30, TimeUnit.SECONDS), "no steps streamed");
        double stepsAtCancel = ServerConcurrencyTest.metric(http, "dream4j_steps_total");
        req.cancel();
        ServerConcurrencyTest.awaitIdle(http);
        double ran = ServerConcurrencyTest.metric(http, "dream4j_steps_total") - stepsAtCancel;
        assertTrue(ran <= 2, "steps run after the cancel: " + ran);
        assertTrue(ServerConcurrencyTest.metric(http, "dream4j_cancelled_total") > cancelledBefore);
        // the worker is free again
        assertEquals(GrpcStatus.OK, stream("GenerateStream", Completion.getDefaultInstance(), completion("x", 4).build()).status());
    }

    @Test
    void pluginOptionsTravelAsAStringMap() throws Exception {
        // option-probe (test services) commits the token its options name: the text shows what reached the sampler
        GenerateRequest.Builder probe = completion("def f():", 4).setSampler("option-probe");
        Completion c = unary("Generate", Completion.getDefaultInstance(), probe.putOptions("token", "40").build());
        HttpResponse<String> r = http.post("/v1/completions", new JsonObject().put("prompt", "def f():").put("max_tokens", 4)
                .put("steps", 4).put("seed", 7).put("temperature", 0.5).put("sampler", "option-probe")
                .put("options", new JsonObject().put("token", 40)));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(new JsonObject(r.body()).getJsonArray("choices").getJsonObject(0).getString("text"), c.getChoices(0).getText());
        Completion other = unary("Generate", Completion.getDefaultInstance(), probe.putOptions("token", "41").build());
        assertFalse(other.getChoices(0).getText().equals(c.getChoices(0).getText()), "token 41 gives another text than 40");
        GrpcClientResponse<GenerateRequest, Completion> bad = GrpcServiceTest.<GenerateRequest, Completion>call("Generate",
                Completion.getDefaultInstance(), probe.putOptions("token", "-1").build()).await(60, TimeUnit.SECONDS);
        bad.end().otherwise((Void) null).await(60, TimeUnit.SECONDS);
        assertEquals(GrpcStatus.INVALID_ARGUMENT, bad.status());
        assertEquals("options.token", metadata(bad, "dream4j-param"));
    }

    @Test
    void httpStillServedOnTheSamePort() throws Exception {
        assertEquals(200, http.get("/health").statusCode());
        String metrics = http.get("/metrics").body();
        assertTrue(metrics.contains("endpoint=\"/dream4j.v1.Dream4j/"), "gRPC calls are counted in /metrics");
    }
}
