package dev.dream4j.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The reference's two extension points of {@code diffusion_generate}: {@code generation_tokens_hook_func} and
 * {@code generation_logits_hook_func} ({@code dream-semantics.md} §3), for constrained or controlled generation (fixing
 * tokens at chosen positions, banning tokens, classifier-free guidance, ...). Hooks run on the generating thread, in
 * every decoding mode: reference, block decoding, with or without a key/value cache.
 *
 * @param tokens called once before the first step ({@code step = -1}) and after every step's commits (in block decoding
 *               an early stop's end-of-text fill included), before the listener sees the step; may rewrite the canvas.
 *               A slot it masks is decoded again when it lies in the current block or a later one (reference decoding:
 *               anywhere); under a cache, a token it changes outside the window reaches the keys and values at the next
 *               refresh
 * @param logits called every step that runs a forward, on exactly the logits the sampler then sees, before the logits
 *               processors (penalty, temperature, top-p, top-k) and the sampler: the shifted logits of the masked slots
 *               (in block decoding: of the current block; on a cache refresh that commits the block's first slot, that
 *               slot of each row); may rewrite them
 */
public record GenerationHooks(Optional<TokensHook> tokens, Optional<LogitsHook> logits) {

    /** No hooks. */
    public static final GenerationHooks NONE = new GenerationHooks(Optional.empty(), Optional.empty());

    public GenerationHooks {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(logits, "logits");
    }

    public boolean isEmpty() {
        return tokens.isEmpty() && logits.isEmpty();
    }

    /** {@code x = tokens_hook(step, x, logits)}. */
    @FunctionalInterface
    public interface TokensHook {
        /**
         * @param step   -1 before the first step, then the index of the step just done
         * @param canvas every row of the canvas, editable (a token set to the mask id is decoded again)
         */
        void apply(int step, EditableCanvas canvas);
    }

    /** {@code logits = logits_hook(step, x, logits)}, on the rows the sampler reads. */
    @FunctionalInterface
    public interface LogitsHook {
        void apply(int step, CanvasView canvas, LogitsView logits);
    }

    /** The canvas, read-only: {@code batch} rows of {@code length} slots (prompt, padding and generated slots). */
    public interface CanvasView {
        int batch();

        int length();

        int token(int row, int position);

        int maskToken();
    }

    /** The canvas, writable; ids outside the vocabulary are refused with {@link InvalidRequestException}. */
    public interface EditableCanvas extends CanvasView {
        void set(int row, int position, int token);
    }

    /** The logits of the masked slots: row {@code r} predicts slot ({@link #batchIndex}, {@link #position}). */
    public interface LogitsView {
        int rows();

        int vocab();

        int batchIndex(int r);

        int position(int r);

        float get(int r, int token);

        void set(int r, int token, float value);
    }
}
