package dev.dream4j.api;

import java.util.List;

/**
 * A loaded diffusion language model, ready to generate. Instances are thread-safe: concurrent {@code generate}
 * calls are allowed (each request has its own random stream); closing releases every native resource and must
 * happen after the last call has returned.
 */
public interface DiffusionLM extends TextTokenizer, AutoCloseable {

    /** Facts about the loaded model and the plug-ins serving it. */
    ModelInfo info();

    /** Runs the denoising loop to completion. */
    default GenerationResult generate(GenerationRequest request) {
        return generate(request, DenoisingListener.NONE);
    }

    /** Runs the denoising loop, reporting every step to {@code listener}, which may stop it. */
    default GenerationResult generate(GenerationRequest request, DenoisingListener listener) {
        return generate(prepare(request), listener);
    }

    /**
     * Checks {@code request} and resolves it for this model: prompt ids, every default, the seed (drawn when the
     * request has none). Everything a bad request can be refused for is refused here, with a typed error.
     */
    PreparedGeneration prepare(GenerationRequest request);

    /** Runs a request this model prepared, without tokenizing or validating it again. */
    default GenerationResult generate(PreparedGeneration prepared) {
        return generate(prepared, DenoisingListener.NONE);
    }

    /**
     * Runs a request this model prepared, reporting every step to {@code listener}.
     *
     * @throws InvalidRequestException when {@code prepared} comes from another model
     */
    GenerationResult generate(PreparedGeneration prepared, DenoisingListener listener);

    /** Variable-length (or fixed-length) infilling between a prefix and a suffix. */
    default InfillResult infill(InfillRequest request) {
        return infill(request, DenoisingListener.NONE);
    }

    /** Infilling with a per-step listener; the canvas may change length between steps. */
    InfillResult infill(InfillRequest request, DenoisingListener listener);

    /** Raw forward passes and dimensions, for tools (benchmarks, quantization reports); not for generation. */
    ModelDiagnostics diagnostics();

    /** The plug-ins this model was loaded with (its backend, tokenizer, samplers, processors …). */
    List<PluginInfo> plugins();

    @Override
    void close();
}
