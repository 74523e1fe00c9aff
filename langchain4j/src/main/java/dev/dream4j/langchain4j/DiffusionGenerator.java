package dev.dream4j.langchain4j;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.GenerationResult;
import dev.dream4j.api.Prompt;
import dev.dream4j.api.UnsupportedFeatureException;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** The part the three LangChain4j models share: LangChain4j request in, dream4j generation, LangChain4j values out. */
final class DiffusionGenerator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiffusionGenerator.class);

    private final DiffusionLM lm;
    private final boolean owned;
    private final DiffusionSettings settings;
    private final String modelName;

    DiffusionGenerator(DiffusionLM lm, boolean owned, DiffusionSettings settings, String modelName) {
        this.lm = lm;
        this.owned = owned;
        this.settings = settings;
        this.modelName = modelName;
    }

    String modelName() {
        return modelName;
    }

    DiffusionSettings settings() {
        return settings;
    }

    /**
     * One finished generation.
     *
     * @param text   the answer, cut at end-of-text and at the first stop sequence
     * @param usage  prompt tokens, answer tokens (up to end-of-text)
     * @param finish {@code STOP} when the model wrote end-of-text or a stop sequence, {@code LENGTH} when it ran out
     *               of masked positions
     */
    record Outcome(String text, TokenUsage usage, FinishReason finish, GenerationResult result) {
    }

    /** The prompt ids of a chat: the checkpoint's chat template, generation prompt appended (as {@code Prompt.chat}). */
    List<Integer> chatPrompt(List<ChatMessage> messages) {
        List<dev.dream4j.api.ChatMessage> turns = new ArrayList<>();
        for (ChatMessage m : messages) {
            turns.add(switch (m) {
                case SystemMessage s -> dev.dream4j.api.ChatMessage.system(s.text());
                case UserMessage u when u.hasSingleText() -> dev.dream4j.api.ChatMessage.user(u.singleText());
                case UserMessage u -> throw new UnsupportedFeatureException("multimodal",
                        "dream4j models read text only; a user message has " + u.contents().size() + " non-text or multiple parts");
                case AiMessage a when !a.hasToolExecutionRequests() -> new dev.dream4j.api.ChatMessage("assistant", a.text() == null ? "" : a.text());
                default -> throw new UnsupportedFeatureException("tools",
                        "dream4j models do not call tools; cannot take a " + m.type() + " message");
            });
        }
        return lm.encode(lm.renderChat(turns));
    }

    /** The ids of a plain-text prompt (no template, no special tokens added). */
    List<Integer> promptIds(String text) {
        return lm.encode(text);
    }

    /** Refuses the LangChain4j features a diffusion model here does not have, naming them. */
    static void checkSupported(ChatRequest request) {
        if (request.toolSpecifications() != null && !request.toolSpecifications().isEmpty()) {
            throw new UnsupportedFeatureException("tools", "dream4j models do not call tools; the request lists "
                    + request.toolSpecifications().size() + " tool specification(s)");
        }
        if (request.responseFormat() != null && request.responseFormat().type() == ResponseFormatType.JSON) {
            throw new UnsupportedFeatureException("response_format", "dream4j models have no JSON response mode");
        }
        if (request.frequencyPenalty() != null || request.presencePenalty() != null) {
            throw new UnsupportedFeatureException("penalties", "dream4j models have no frequency or presence penalty");
        }
    }

    /** The settings with LangChain4j's per-request parameters (which win when set). */
    GenerationRequest.Builder request(ChatRequest chat) {
        GenerationRequest.Builder b = settings.applyTo(GenerationRequest.builder());
        if (chat.maxOutputTokens() != null) b.maxNewTokens(chat.maxOutputTokens());
        if (chat.temperature() != null) b.temperature(chat.temperature());
        if (chat.topP() != null) b.topP(chat.topP());
        if (chat.topK() != null) b.topK(chat.topK());
        return b;
    }

    GenerationRequest.Builder request() {
        return settings.applyTo(GenerationRequest.builder());
    }

    /**
     * Runs one generation.
     *
     * @param partial  receives the settled text as it grows (each call: the new characters), or {@code null}
     * @param steps    receives every denoising step and may stop the generation
     */
    Outcome generate(List<Integer> promptIds, GenerationRequest.Builder request, List<String> stops,
                     Consumer<String> partial, DenoisingListener steps) {
        GenerationRequest r = request.prompt(Prompt.tokens(promptIds)).numReturnSequences(1).build();
        SettledText settled = partial == null ? null : new SettledText(promptIds.size(), stops, partial);
        DenoisingListener listener = partial == null ? steps : step -> {
            settled.onStep(step);
            return steps.onStep(step);
        };
        GenerationResult result = lm.generate(r, listener);
        GenerationResult.GeneratedSequence seq = result.first();
        int eos = special("eos");
        int answerTokens = seq.generatedIds().indexOf(eos);
        boolean ended = answerTokens >= 0;
        if (!ended) {
            answerTokens = seq.generatedIds().size();
        }
        int stopAt = firstStop(seq.text(), stops);
        String text = stopAt >= 0 ? seq.text().substring(0, stopAt) : seq.text();
        if (settled != null) {
            settled.finish(text);
        }
        return new Outcome(text, new TokenUsage(promptIds.size(), answerTokens),
                ended || stopAt >= 0 ? FinishReason.STOP : FinishReason.LENGTH, result);
    }

    private int special(String name) {
        Integer id = lm.info().specialTokens().get(name);
        return id == null ? -1 : id;
    }

    static int firstStop(String text, List<String> stops) {
        int at = -1;
        for (String s : stops) {
            int i = s.isEmpty() ? -1 : text.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) {
                at = i;
            }
        }
        return at;
    }

    @Override
    public void close() {
        if (owned) {
            lm.close();
        }
    }

    /**
     * The settled text of a diffusion canvas: the answer's slots from the first one up to the first still-masked
     * slot (or end-of-text). Unlike an autoregressive model, later slots may be committed before earlier ones; those
     * are not streamed until everything before them is settled, so the stream only ever grows. Text that could be
     * the start of a stop sequence, or ends in a partial UTF-8 character, is held back until it is decided.
     */
    private final class SettledText {
        private final int from;
        private final List<String> stops;
        private final Consumer<String> sink;
        private final int holdBack;
        private final int mask = special("mask");
        private final int eos = special("eos");
        private String emitted = "";
        private boolean stopped;

        SettledText(int from, List<String> stops, Consumer<String> sink) {
            this.from = from;
            this.stops = stops;
            this.sink = sink;
            this.holdBack = stops.stream().mapToInt(String::length).max().orElse(1) - 1;
        }

        void onStep(DenoisingStep step) {
            if (stopped) {
                return;
            }
            List<Integer> row = step.canvas().getFirst();
            List<Integer> ids = new ArrayList<>();
            for (int i = from; i < row.size(); i++) {
                int id = row.get(i);
                if (id == mask || id == eos) {
                    break;
                }
                ids.add(id);
            }
            String text = lm.decode(ids, true);
            int stop = firstStop(text, stops);
            if (stop >= 0) {
                stopped = true;
                offer(text.substring(0, stop));
                return;
            }
            int end = Math.max(0, text.length() - holdBack);
            while (end > 0 && text.charAt(end - 1) == '\uFFFD') {
                end--;
            }
            offer(text.substring(0, end));
        }

        void finish(String text) {
            if (!text.startsWith(emitted)) {
                LOG.warn("streamed text is not a prefix of the final answer; the stream ends at '{}'", emitted);
                return;
            }
            offer(text);
        }

        private void offer(String text) {
            if (text.length() > emitted.length() && text.startsWith(emitted)) {
                String delta = text.substring(emitted.length());
                emitted = text;
                sink.accept(delta);
            }
        }
    }
}
