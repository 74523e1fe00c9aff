package dev.dream4j.server;

import dev.dream4j.api.ChatMessage;
import dev.dream4j.api.GenerationParameter;
import dev.dream4j.api.GenerationRequest;
import dev.dream4j.api.InfillRequest;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.Prompt;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A generation request read from an OpenAI-style body, plus the server-side options around it.
 *
 * @param request      what the model runs
 * @param stream       answer with SSE chunks
 * @param includeUsage {@code stream_options.include_usage}: a last chunk with token counts
 * @param stop         stop strings; the text is cut before the first one
 * @param stepDelayMs  a pause after each step (visualisers only; {@code /v1/denoise})
 */
record GenSpec(GenerationRequest request, boolean stream, boolean includeUsage, List<String> stop, int stepDelayMs) {

    enum Kind { COMPLETION, CHAT, DENOISE }

    /** Chat roles; {@code developer} (OpenAI's newer name for system instructions) is read as {@code system}. */
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    static final int MAX_STEP_DELAY_MS = 2000;
    /** Table fields whose OpenAI name differs: {@code max_tokens} (or {@code max_completion_tokens}) and {@code n}. */
    private static final Set<String> SPELLED_OTHERWISE = Set.of("max_new_tokens", "num_return_sequences");

    static GenSpec read(Body body, Kind kind, ServerConfig config) {
        body.string("model");
        unsupported(body);
        GenerationRequest.Builder b = GenerationRequest.builder();
        boolean chat = kind == Kind.CHAT || (kind == Kind.DENOISE && body.has("messages") && !body.has("prompt"));
        if (chat) {
            b.prompt(Prompt.chat(messages(body)));
        } else {
            b.prompts(prompts(body));
        }
        // the request's own fields: one table (GenerationParameter) with the CLI, so types, ranges and messages agree
        String promptField = chat ? "messages" : "prompt";
        try {
            Object maxTokens = body.raw("max_tokens");
            if (kind == Kind.CHAT && maxTokens == null) {
                maxTokens = body.raw("max_completion_tokens");
            }
            GenerationParameter.of("max_new_tokens").apply(b, maxTokens);
            GenerationParameter.of("num_return_sequences").apply(b, body.raw("n"));
            for (GenerationParameter p : GenerationParameter.ALL) {
                if (!SPELLED_OTHERWISE.contains(p.name())) {
                    p.apply(b, body.raw(p.name()));
                }
            }
        } catch (InvalidRequestException e) {
            throw Errors.invalid(e, promptField);
        }
        options(body).forEach(b::option);
        // this server's own limits on top of the table's ranges
        body.integer("steps", 1, config.maxSteps());
        body.integer("n", 1, config.maxN());
        boolean stream = kind == Kind.DENOISE || body.bool("stream", false);
        boolean includeUsage = false;
        Object so = body.raw("stream_options");
        if (so != null) {
            if (!(so instanceof JsonObject o)) {
                throw Body.wrongType("stream_options", "an object", so);
            }
            includeUsage = Body.of(o).bool("include_usage", false);
        }
        List<String> stop = stop(body);
        int delay = kind == Kind.DENOISE ? body.integer("step_delay_ms", 0, MAX_STEP_DELAY_MS).orElse(0) : 0;
        GenerationRequest request;
        try {
            request = b.build();
        } catch (InvalidRequestException e) {
            throw Errors.invalid(e, promptField);
        }
        if (kind == Kind.DENOISE && request.prompts().size() > 1) {
            throw ApiException.invalid("prompt", "/v1/denoise takes one prompt");
        }
        return new GenSpec(request, stream, includeUsage, stop, delay);
    }

    /**
     * The {@code options} object: settings of the selected sampler and logits processors by the names they declare,
     * each a JSON number, boolean or string (null = not set). Typed and range-checked against the declarations when the
     * request is resolved, as on the CLI and the API; an error names {@code options.<name>}.
     */
    static Map<String, Object> options(Body body) {
        Object o = body.raw("options");
        if (o == null) {
            return Map.of();
        }
        if (!(o instanceof JsonObject object)) {
            throw Body.wrongType("options", "an object of option names to values", o);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String name : object.fieldNames()) {
            Object v = object.getValue(name);
            switch (v) {
                case null -> {
                }
                case String s -> out.put(name, s);
                case Boolean bool -> out.put(name, bool);
                case Number n -> out.put(name, n);
                default -> throw Body.wrongType("options." + name, "a number, a boolean or a string", v);
            }
        }
        return out;
    }

    /** OpenAI fields this server does not implement: refused rather than silently ignored. */
    private static void unsupported(Body body) {
        Object logprobs = body.raw("logprobs");
        if (logprobs != null && !Boolean.FALSE.equals(logprobs)) {
            throw ApiException.invalid("logprobs", "logprobs are not supported by diffusion generation");
        }
        if (body.bool("echo", false)) {
            throw ApiException.invalid("echo", "echo is not supported");
        }
        if (body.integer("best_of", 1, Integer.MAX_VALUE).orElse(1) > 1) {
            throw ApiException.invalid("best_of", "best_of is not supported; use n");
        }
        if (body.has("suffix")) {
            throw ApiException.invalid("suffix", "suffix is not supported here; use POST /v1/infill with prefix and suffix");
        }
        Object topLogprobs = body.raw("top_logprobs");
        if (topLogprobs != null && !(topLogprobs instanceof Number n && n.doubleValue() == 0)) {
            throw ApiException.invalid("top_logprobs", "logprobs are not supported by diffusion generation");
        }
        Object tools = body.raw("tools");
        if (tools instanceof JsonArray a && !a.isEmpty()) {
            throw ApiException.invalid("tools", "tool calls are not supported");
        }
        Object toolChoice = body.raw("tool_choice");
        if (toolChoice != null && !"none".equals(toolChoice) && !"auto".equals(toolChoice)) {
            throw ApiException.invalid("tool_choice", "tool calls are not supported");
        }
        if (body.raw("functions") != null || body.raw("function_call") != null) {
            throw ApiException.invalid(body.raw("functions") != null ? "functions" : "function_call", "function calls are not supported");
        }
        Object format = body.raw("response_format");
        if (format != null && !(format instanceof JsonObject o && "text".equals(o.getValue("type")))) {
            throw ApiException.invalid("response_format", "only response_format {\"type\": \"text\"} is supported;"
                    + " JSON mode and structured outputs are not implemented");
        }
        Object bias = body.raw("logit_bias");
        if (bias != null && !(bias instanceof JsonObject o && o.isEmpty())) {
            throw ApiException.invalid("logit_bias", "logit_bias is not supported");
        }
        for (String penalty : List.of("presence_penalty", "frequency_penalty")) {
            Object v = body.raw(penalty);
            if (v != null && !(v instanceof Number n && n.doubleValue() == 0)) {
                throw ApiException.invalid(penalty, penalty + " is not supported (only 0); dream4j has pad_penalty");
            }
        }
    }

    private static List<Prompt> prompts(Body body) {
        Object p = body.raw("prompt");
        if (p == null) {
            throw ApiException.invalid("prompt", "prompt is required");
        }
        if (p instanceof String s) {
            return List.of(Prompt.text(s));
        }
        if (!(p instanceof JsonArray a)) {
            throw Body.wrongType("prompt", "a string, an array of strings or an array of token ids", p);
        }
        if (a.isEmpty()) {
            throw ApiException.invalid("prompt", "prompt must not be an empty array");
        }
        if (a.getValue(0) instanceof Number) {
            return List.of(Prompt.tokens(ids(a)));
        }
        List<Prompt> out = new ArrayList<>();
        for (Object e : a) {
            switch (e) {
                case String s -> out.add(Prompt.text(s));
                case JsonArray ids -> out.add(Prompt.tokens(ids(ids)));
                case null, default -> throw Body.wrongType("prompt", "an array of strings or of token id arrays", e);
            }
        }
        return out;
    }

    private static List<Integer> ids(JsonArray a) {
        List<Integer> ids = new ArrayList<>(a.size());
        for (Object e : a) {
            long v = Body.integral("prompt", e);
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw ApiException.invalid("prompt", "token id " + v + " is out of range");
            }
            ids.add((int) v);
        }
        return ids;
    }

    static List<ChatMessage> messages(Body body) {
        Object m = body.raw("messages");
        if (m == null) {
            throw ApiException.invalid("messages", "messages is required");
        }
        if (!(m instanceof JsonArray a)) {
            throw Body.wrongType("messages", "an array of messages", m);
        }
        if (a.isEmpty()) {
            throw ApiException.invalid("messages", "messages must not be empty");
        }
        List<ChatMessage> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (!(a.getValue(i) instanceof JsonObject o)) {
                throw Body.wrongType("messages", "an array of objects", a.getValue(i));
            }
            Object role = o.getValue("role");
            if (!(role instanceof String r) || !ROLES.contains(r)) {
                throw ApiException.invalid("messages", "messages[" + i + "].role must be one of " + ROLES.stream().sorted().toList()
                        + ", got " + (role instanceof String ? "'" + role + "'" : Body.typeName(role)));
            }
            out.add(new ChatMessage(r.equals("developer") ? "system" : r, content(o.getValue("content"), i)));
        }
        return out;
    }

    private static String content(Object c, int i) {
        if (c instanceof String s) {
            return s;
        }
        if (c instanceof JsonArray parts) {
            StringBuilder sb = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof JsonObject o && "text".equals(o.getValue("type")) && o.getValue("text") instanceof String t) {
                    sb.append(t);
                } else {
                    throw ApiException.invalid("messages", "messages[" + i + "].content parts must be {\"type\":\"text\",\"text\":...}");
                }
            }
            return sb.toString();
        }
        throw ApiException.invalid("messages", "messages[" + i + "].content must be a string, got " + Body.typeName(c));
    }

    private static List<String> stop(Body body) {
        Object s = body.raw("stop");
        if (s == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (s instanceof String str) {
            out.add(str);
        } else if (s instanceof JsonArray a) {
            for (Object e : a) {
                if (!(e instanceof String str)) {
                    throw Body.wrongType("stop", "a string or an array of strings", e);
                }
                out.add(str);
            }
        } else {
            throw Body.wrongType("stop", "a string or an array of strings", s);
        }
        if (out.size() > 4 || out.stream().anyMatch(String::isEmpty)) {
            throw ApiException.invalid("stop", "stop takes up to 4 non-empty strings");
        }
        return List.copyOf(out);
    }

    /**
     * An infill request from {@code /v1/infill}'s body: every field of {@link InfillRequest}, unset ones left to the
     * API's defaults ({@link InfillRequest#builder}). {@code prefix} and {@code suffix} are text or token-id arrays;
     * {@code max_tokens} is {@code maxNewTokens}.
     */
    static InfillRequest infill(Body body) {
        body.string("model");
        Object prefix = body.raw("prefix");
        Object suffix = body.raw("suffix");
        if (prefix == null && suffix == null) {
            throw ApiException.invalid("prefix", "prefix or suffix is required");
        }
        if (body.has("alg")) { // DreamOn's reference spelling: refused rather than silently ignored
            throw ApiException.invalid("alg", "alg is not a field here: the slot choice is a sampler plug-in, set with"
                    + " \"sampler\" (e.g. \"entropy\")");
        }
        InfillRequest.Builder b = InfillRequest.builder(part("prefix", prefix), part("suffix", suffix));
        body.integer("initial_masks", 1, Integer.MAX_VALUE).ifPresent(b::initialMasks);
        body.integer("max_tokens", 1, Integer.MAX_VALUE).ifPresent(b::maxNewTokens);
        body.string("strategy").ifPresent(b::strategy);
        body.string("sampler").ifPresent(b::sampler);
        body.number("temperature", 0, Double.MAX_VALUE).ifPresent(b::temperature);
        OptionalDouble topP = body.number("top_p", 0, 1);
        if (topP.isPresent() && topP.getAsDouble() <= 0) {
            throw ApiException.invalid("top_p", "top_p must be in (0, 1], got " + topP.getAsDouble());
        }
        topP.ifPresent(b::topP);
        body.integer("top_k", 1, Integer.MAX_VALUE).ifPresent(b::topK);
        body.number("alg_temp", 0, Double.MAX_VALUE).ifPresent(b::algTemp);
        body.longValue("seed", Long.MIN_VALUE, Long.MAX_VALUE).ifPresent(b::seed);
        body.integer("tokens_per_step", 1, Integer.MAX_VALUE).ifPresent(b::tokensPerStep);
        body.integer("expand_budget", 0, Integer.MAX_VALUE).ifPresent(b::expandBudget);
        b.padDeleteToRight(body.bool("pad_delete_to_right", false));
        body.integer("steps", 1, Integer.MAX_VALUE).ifPresent(b::steps);
        try {
            return b.build();
        } catch (InvalidRequestException e) {
            throw Errors.invalid(e, "prefix");
        }
    }

    /** An infill part: absent is empty text, a string is text, an array holds exact token ids. */
    private static Prompt part(String name, Object value) {
        return switch (value) {
            case null -> Prompt.text("");
            case String s -> Prompt.text(s);
            case JsonArray a -> {
                List<Integer> ids = new ArrayList<>(a.size());
                for (Object e : a) {
                    long v = Body.integral(name, e);
                    if (v < 0 || v > Integer.MAX_VALUE) {
                        throw ApiException.invalid(name, "token id " + v + " in " + name + " is out of range");
                    }
                    ids.add((int) v);
                }
                yield Prompt.tokens(ids);
            }
            default -> throw Body.wrongType(name, "a string or an array of token ids", value);
        };
    }

    /** The text cut before the first stop string; {@code -1} index when none occurs. */
    static int stopIndex(String text, List<String> stop) {
        int best = -1;
        for (String s : stop) {
            int i = text.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }
}
