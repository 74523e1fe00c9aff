package dev.dream4j.api;

import java.util.List;

/**
 * A loaded diffusion language model, ready to generate. Instances are thread-safe: concurrent {@code generate}
 * calls are allowed (each request has its own random stream); closing releases every native resource and must
 * happen after the last call has returned.
 */
public interface DiffusionLM extends AutoCloseable {

    /** Facts about the loaded model and the plug-ins serving it. */
    ModelInfo info();

    /** Runs the denoising loop to completion. */
    default GenerationResult generate(GenerationRequest request) {
        return generate(request, DenoisingListener.NONE);
    }

    /** Runs the denoising loop, reporting every step to {@code listener}, which may stop it. */
    GenerationResult generate(GenerationRequest request, DenoisingListener listener);

    /** Variable-length (or fixed-length) infilling between a prefix and a suffix. */
    default InfillResult infill(InfillRequest request) {
        return infill(request, DenoisingListener.NONE);
    }

    /** Infilling with a per-step listener; the canvas may change length between steps. */
    InfillResult infill(InfillRequest request, DenoisingListener listener);

    /** Token ids of {@code text}, without special tokens added. */
    List<Integer> encode(String text);

    /** Text of {@code ids}; special tokens are kept unless {@code skipSpecialTokens}. */
    String decode(List<Integer> ids, boolean skipSpecialTokens);

    /** Renders the checkpoint's chat template with the generation prompt appended. */
    String renderChat(List<ChatMessage> messages);

    @Override
    void close();
}
