package dev.dream4j.langchain4j;

import dev.dream4j.Dream4j;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.GenerationCancelledException;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.UnsupportedFeatureException;
import dev.dream4j.demo.DemoModel;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.language.LanguageModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.SystemMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LangChain4j models driven through LangChain4j's own API on the bundled demo model. */
class Dream4jLangChain4jTest {
    private static final int NEW_TOKENS = 24;
    private static DiffusionLM lm;

    @BeforeAll
    static void open() {
        lm = Dream4j.builder().model(DemoModel.directory()).backend("java-cpu").threads(2).build();
    }

    @AfterAll
    static void close() {
        lm.close();
    }

    private static DiffusionSettings settings() {
        return DiffusionSettings.builder().maxNewTokens(NEW_TOKENS).steps(NEW_TOKENS / 2).sampler("entropy")
                .temperature(0).seed(11).build();
    }

    /** What dream4j's own API answers to one user message with the same settings. */
    private static String direct(List<dev.dream4j.api.ChatMessage> chat) {
        return lm.generate(settings().applyTo(GenerationRequest.builder().chat(chat)).build()).text();
    }

    interface Coder {
        @SystemMessage("You write Python.")
        String write(String task);
    }

    @Test
    void anAiServicesInterfaceAnswersThroughDream4j() {
        ChatModel chat = Dream4jChatModel.builder().model(lm).settings(settings()).build();
        Coder coder = AiServices.create(Coder.class, chat);
        String answer = coder.write("def add(a, b):");
        String expected = direct(List.of(dev.dream4j.api.ChatMessage.system("You write Python."),
                dev.dream4j.api.ChatMessage.user("def add(a, b):")));
        assertFalse(expected.isBlank(), "the demo model answers something");
        assertEquals(expected, answer);
    }

    @Test
    void chatResponseCarriesUsageAndHonoursMaxOutputTokens() {
        ChatModel chat = Dream4jChatModel.builder().model(lm).settings(settings()).modelName("tiny").build();
        ChatResponse r = chat.chat(ChatRequest.builder().messages(UserMessage.from("import os")).maxOutputTokens(6).build());
        int promptTokens = lm.encode(lm.renderChat(List.of(dev.dream4j.api.ChatMessage.user("import os")))).size();
        assertEquals(promptTokens, r.tokenUsage().inputTokenCount());
        assertTrue(r.tokenUsage().outputTokenCount() <= 6, "at most maxOutputTokens: " + r.tokenUsage());
        assertEquals("tiny", r.modelName());
        if (r.finishReason() == FinishReason.LENGTH) {
            assertEquals(6, r.tokenUsage().outputTokenCount());
        }
    }

    @Test
    void stopSequencesCutTheAnswer() {
        ChatModel chat = Dream4jChatModel.builder().model(lm).settings(settings()).build();
        String full = chat.chat("def add(a, b):");
        assertTrue(full.length() > 4, full);
        String stop = full.substring(2, 4);
        ChatResponse cut = chat.chat(ChatRequest.builder().messages(UserMessage.from("def add(a, b):"))
                .stopSequences(List.of(stop)).build());
        assertEquals(full.substring(0, full.indexOf(stop)), cut.aiMessage().text());
        assertEquals(FinishReason.STOP, cut.finishReason());
    }

    @Test
    void streamingSendsSettledTextThatAddsUpToTheAnswerAndStepsToTheListener() throws Exception {
        AtomicInteger steps = new AtomicInteger();
        StreamingChatModel model = Dream4jStreamingChatModel.builder().model(lm).settings(settings())
                .denoisingListener(step -> {
                    steps.incrementAndGet();
                    return DenoisingListener.Decision.CONTINUE;
                }).build();
        List<String> parts = new ArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("def add(a, b):", new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partial) {
                parts.add(partial);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse response = done.get(1, TimeUnit.MINUTES);
        String expected = direct(List.of(dev.dream4j.api.ChatMessage.user("def add(a, b):")));
        assertEquals(expected, response.aiMessage().text());
        assertEquals(expected, String.join("", parts));
        assertTrue(parts.stream().noneMatch(String::isEmpty), "no empty partial responses: " + parts);
        assertEquals(NEW_TOKENS / 2, steps.get(), "one listener call per denoising step");
    }

    @Test
    void aListenerThatCancelsEndsInOnError() throws Exception {
        StreamingChatModel model = Dream4jStreamingChatModel.builder().model(lm).settings(settings())
                .denoisingListener(step -> DenoisingListener.Decision.CANCEL).build();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        model.chat("x = 1", new StreamingChatResponseHandler() {
            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        Exception e = assertThrows(Exception.class, () -> done.get(1, TimeUnit.MINUTES));
        assertInstanceOf(GenerationCancelledException.class, e.getCause());
    }

    @Test
    void languageModelCompletesPlainTextWithoutTemplate() {
        LanguageModel model = Dream4jLanguageModel.builder().model(lm).settings(settings()).build();
        Response<String> r = model.generate("def fibonacci(n):");
        String expected = lm.generate(settings().applyTo(GenerationRequest.builder().prompt("def fibonacci(n):")).build()).text();
        assertEquals(expected, r.content());
        assertEquals(lm.encode("def fibonacci(n):").size(), r.tokenUsage().inputTokenCount());
    }

    @Test
    void toolsAndBadSettingsAreRefusedWithTypedErrors() {
        ChatModel chat = Dream4jChatModel.builder().model(lm).settings(settings()).build();
        UnsupportedFeatureException tools = assertThrows(UnsupportedFeatureException.class, () -> chat.chat(ChatRequest.builder()
                .messages(UserMessage.from("hi"))
                .toolSpecifications(ToolSpecification.builder().name("clock").description("time").build()).build()));
        assertEquals("tools", tools.feature());
        InvalidRequestException steps = assertThrows(InvalidRequestException.class, () -> DiffusionSettings.builder().steps(0).build());
        assertEquals("steps", steps.parameter());
        assertThrows(InvalidRequestException.class, () -> Dream4jChatModel.builder().build());
    }

    @Test
    void checkpointPathBuildsAnOwnedModel() {
        try (Dream4jLanguageModel model = Dream4jLanguageModel.builder().checkpoint(DemoModel.directory())
                .maxNewTokens(8).steps(4).temperature(0).build()) {
            assertTrue(model.generate("import ").tokenUsage().outputTokenCount() <= 8);
            assertEquals(8, model.settings().maxNewTokens().orElseThrow());
        }
    }
}
