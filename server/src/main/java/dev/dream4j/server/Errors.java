package dev.dream4j.server;

import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.PluginNotFoundException;
import dev.dream4j.api.TokenizerException;
import dev.dream4j.api.UnsupportedFeatureException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps dream4j's typed exceptions to OpenAI-style errors: bad input is a 400 naming the field, never a 500. */
final class Errors {
    private static final Logger LOG = LoggerFactory.getLogger(Errors.class);

    private Errors() {
    }

    /** The kernel's parameter names mapped to the OpenAI request's field names. */
    static String field(String kernelParameter, String promptField) {
        if (kernelParameter == null) {
            return null;
        }
        return switch (kernelParameter) {
            case "max_new_tokens", "max_length" -> "max_tokens";
            case "num_return_sequences" -> "n";
            case "prompt", "prompt_ids", "ids" -> promptField;
            default -> kernelParameter;
        };
    }

    static ApiException invalid(InvalidRequestException e, String promptField) {
        return ApiException.invalid(field(e.parameter(), promptField), e.getMessage());
    }

    static ApiException map(Throwable t, String promptField) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return switch (t) {
            case ApiException a -> a;
            case InvalidRequestException e -> invalid(e, promptField);
            case PluginNotFoundException p -> ApiException.invalid(switch (p.kind()) {
                case "sampler" -> "sampler";
                case "infill-strategy" -> "strategy";
                default -> p.kind();
            }, p.getMessage());
            case UnsupportedFeatureException u -> ApiException.invalid(u.feature(), u.getMessage());
            case TokenizerException e -> ApiException.invalid(promptField, e.getMessage());
            default -> {
                LOG.error("request failed", t);
                yield new ApiException(500, "server_error", null, null,
                        "internal error: " + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage()));
            }
        };
    }

    static JsonObject body(ApiException e) {
        return new JsonObject().put("error", new JsonObject()
                .put("message", e.getMessage())
                .put("type", e.type())
                .put("param", e.param())
                .put("code", e.code()));
    }
}
