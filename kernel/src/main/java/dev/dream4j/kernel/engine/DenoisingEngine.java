package dev.dream4j.kernel.engine;

import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.GenerationCancelledException;
import dev.dream4j.api.GenerationHooks;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The denoising loop of Dream's {@code diffusion_generate} ({@code dream-semantics.md} §3): a canvas of prompt and
 * masks, {@code steps} iterations of forward → shift → logits processors → sampler → commit. It talks to the
 * backend, processors and sampler through the SPI only.
 *
 * <p>Differences from the reference, all output-neutral: the backend computes logits only for the rows that predict
 * masked slots; once no mask is left the remaining iterations skip the forward pass (the reference runs it and
 * discards the result); a sampler may not commit an unmasked slot (the reference's write-MASK branch is
 * unreachable, see {@code dream-semantics.md} "Parity notes").
 */
public final class DenoisingEngine {

    /** One batch to denoise: row-major canvas and attention layout. */
    public record Canvas(int batch, int length, int[] tokens, int[] positions, boolean[] visible) {
    }

    private final Backend backend;
    private final ModelDescription model;

    public DenoisingEngine(Backend backend, ModelDescription model) {
        this.backend = backend;
        this.model = model;
    }

    /**
     * Builds the canvas of {@code prompts} (one row each): left-padded with the pad id to the longest prompt,
     * followed by {@code newTokens} masks. Positions and visibility follow §1 when any row is padded; otherwise
     * positions are {@code 0..L-1} and every slot is visible.
     */
    public Canvas canvas(List<int[]> prompts, int newTokens) {
        int batch = prompts.size();
        int p = prompts.stream().mapToInt(a -> a.length).max().orElse(0);
        int length = p + newTokens;
        int[] tokens = new int[batch * length];
        int[] positions = new int[batch * length];
        boolean padded = prompts.stream().anyMatch(a -> a.length < p);
        boolean countVisible = model.paddedPositions() == ModelDescription.PaddedPositions.COUNT_VISIBLE;
        boolean[] visible = padded ? new boolean[batch * length] : null;
        for (int b = 0; b < batch; b++) {
            int[] prompt = prompts.get(b);
            int pad = p - prompt.length;
            int base = b * length;
            Arrays.fill(tokens, base, base + pad, model.tokens().pad());
            System.arraycopy(prompt, 0, tokens, base + pad, prompt.length);
            Arrays.fill(tokens, base + p, base + length, model.tokens().mask());
            int seen = 0;
            for (int j = 0; j < length; j++) {
                boolean v = j >= pad;
                if (visible != null) {
                    visible[base + j] = v;
                }
                if (v) {
                    seen++;
                }
                // Dream's reference: position = cumsum(attention_mask) - 1, and padding slots get position 1; a family
                // that numbers slots regardless of padding (LLaDA) keeps j
                positions[base + j] = padded && countVisible ? (v ? seen - 1 : 1) : j;
            }
        }
        return new Canvas(batch, length, tokens, positions, visible);
    }

    /**
     * Runs {@code steps} denoising steps over {@code canvas} in place.
     *
     * @return the number of steps run
     * @throws GenerationCancelledException when the listener stops the loop or the thread is interrupted
     */
    public int run(Canvas canvas, ResolvedGeneration settings, Sampler sampler, List<LogitsProcessor> processors,
                   RandomGenerator random, DenoisingListener listener) {
        return run(canvas, settings, sampler, processors, random, listener, GenerationHooks.NONE);
    }

    /**
     * Runs {@code steps} denoising steps with the reference's hooks: the tokens hook before the first step and after
     * every step (before the listener sees it), the logits hook on the masked slots' shifted logits before the logits
     * processors.
     */
    public int run(Canvas canvas, ResolvedGeneration settings, Sampler sampler, List<LogitsProcessor> processors,
                   RandomGenerator random, DenoisingListener listener, GenerationHooks hooks) {
        int steps = settings.params().steps();
        float[] ts = Schedule.timesteps(steps, settings.params().eps());
        int mask = model.tokens().mask();
        int batch = canvas.batch();
        int length = canvas.length();
        int[] x = canvas.tokens();
        int shift = model.logitShift();
        int vocab = model.spec().vocabSize();
        int forwards = 0;
        int[] initialMasks = null; // masks per row when the schedule started (after the tokens hook's first edit)
        HookCanvas hookCanvas = new HookCanvas(x, batch, length, mask, vocab);
        hooks.tokens().ifPresent(h -> h.apply(-1, hookCanvas));
        for (int i = 0; i < steps; i++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new GenerationCancelledException(i);
            }
            StepInfo info = Schedule.step(ts, i);
            int[] maskCounts = new int[batch];
            int masked = 0;
            for (int b = 0; b < batch; b++) {
                for (int j = 0; j < length; j++) {
                    if (x[b * length + j] == mask) {
                        maskCounts[b]++;
                        masked++;
                    }
                }
            }
            List<List<Integer>> committed = emptyRows(batch);
            if (masked > 0) {
                int[] slotBatch = new int[masked];
                int[] slotPos = new int[masked];
                int[] rows = new int[masked];
                int r = 0;
                for (int b = 0; b < batch; b++) {
                    for (int j = 0; j < length; j++) {
                        if (x[b * length + j] == mask) {
                            slotBatch[r] = b;
                            slotPos[r] = j;
                            // The logit shift: slot j is predicted by the output at j - shift (slot 0 by itself).
                            rows[r] = b * length + Math.max(0, j - shift);
                            r++;
                        }
                    }
                }
                Logits logits;
                if (settings.cfgScale() > 0) {
                    logits = Guidance.guided(backend::forward,
                            t -> ForwardBatch.of(batch, length, t, canvas.positions(), canvas.visible(), rows),
                            x, length, settings.promptLength(), mask, settings.cfgScale());
                    forwards += 2;
                } else {
                    logits = backend.forward(ForwardBatch.of(batch, length, x, canvas.positions(), canvas.visible(), rows));
                    forwards++;
                }
                Commits.checkLogits(logits, masked, vocab);
                MaskedLogits maskedLogits = new MaskedLogits(logits, slotBatch, slotPos);
                if (hooks.logits().isPresent()) {
                    hooks.logits().get().apply(i, hookCanvas.readOnly(), new HookLogits(maskedLogits));
                }
                for (LogitsProcessor processor : processors) {
                    processor.process(info, maskedLogits);
                }
                if (initialMasks == null) {
                    initialMasks = maskCounts.clone();
                }
                StepContext context = new StepContext(info, batch, length, mask, x.clone(), maskCounts, initialMasks);
                StepDecision decision = sampler.step(context, maskedLogits, random);
                committed = Commits.apply(decision, settings.sampler(), slotBatch, slotPos, x, batch, length, mask, vocab);
                if (info.isLast()) {
                    checkFinished(x, mask, maskCounts, steps, settings.sampler());
                }
            }
            int step = i;
            hooks.tokens().ifPresent(h -> h.apply(step, hookCanvas));
            if (listener != DenoisingListener.NONE) {
                int left = 0;
                for (int v : x) {
                    if (v == mask) {
                        left++;
                    }
                }
                List<List<Integer>> rows = new ArrayList<>(batch);
                for (int b = 0; b < batch; b++) {
                    rows.add(Arrays.stream(x, b * length, (b + 1) * length).boxed().toList());
                    committed.get(b).sort(null);
                }
                DenoisingStep event = new DenoisingStep(i, steps, rows, committed, left, forwards,
                        masked > 0 ? (long) batch * length : 0L, 0L, masked);
                if (listener.onStep(event) == DenoisingListener.Decision.STOP) {
                    throw new GenerationCancelledException(i + 1);
                }
            }
        }
        return steps;
    }

    /**
     * After the sampler's last step no slot may still be masked (conformance rule S5): the schedule asks for every
     * remaining mask then ({@code StepInfo.isLast()}), so a mask left is a sampler that does not commit, and its output
     * would be mask tokens decoded to nothing (empty text, exit 0). Single steps that commit nothing are legitimate
     * (the schedule rounds down), which is why only the last step is checked. As in S5, rows with unequal mask counts
     * (only a tokens hook makes them) are exempt: Dream's {@code floor(nAvg)} may leave masks there too.
     */
    private static void checkFinished(int[] x, int mask, int[] maskCounts, int steps, String sampler) {
        int before = 0;
        for (int c : maskCounts) {
            if (c != maskCounts[0]) {
                return;
            }
            before += c;
        }
        int left = 0;
        for (int v : x) {
            if (v == mask) {
                left++;
            }
        }
        if (left > 0) {
            throw new Dream4jException("sampler '" + sampler + "' left " + left + " of " + before
                    + " masked slot(s) uncommitted on the last of " + steps + " steps: on the last step"
                    + " (StepInfo.isLast()) a sampler must commit every masked slot");
        }
    }

    /** The canvas as the tokens hook edits it: ids are checked against the vocabulary. */
    private static final class HookCanvas implements GenerationHooks.EditableCanvas {
        private final int[] x;
        private final int batch;
        private final int length;
        private final int mask;
        private final int vocab;

        HookCanvas(int[] x, int batch, int length, int mask, int vocab) {
            this.x = x;
            this.batch = batch;
            this.length = length;
            this.mask = mask;
            this.vocab = vocab;
        }

        @Override
        public int batch() {
            return batch;
        }

        @Override
        public int length() {
            return length;
        }

        @Override
        public int token(int row, int position) {
            return x[index(row, position)];
        }

        @Override
        public int maskToken() {
            return mask;
        }

        @Override
        public void set(int row, int position, int token) {
            if (token < 0 || token >= vocab) {
                throw new InvalidRequestException("tokens_hook", "the tokens hook set token id " + token + " at ("
                        + row + ", " + position + "), outside the vocabulary [0, " + vocab + ")");
            }
            x[index(row, position)] = token;
        }

        private int index(int row, int position) {
            if (row < 0 || row >= batch || position < 0 || position >= length) {
                throw new InvalidRequestException("tokens_hook", "slot (" + row + ", " + position + ") is outside the "
                        + batch + " x " + length + " canvas");
            }
            return row * length + position;
        }

        /** A view without {@code set}, for the logits hook. */
        GenerationHooks.CanvasView readOnly() {
            HookCanvas self = this;
            return new GenerationHooks.CanvasView() {
                @Override
                public int batch() {
                    return self.batch;
                }

                @Override
                public int length() {
                    return self.length;
                }

                @Override
                public int token(int row, int position) {
                    return self.token(row, position);
                }

                @Override
                public int maskToken() {
                    return self.mask;
                }
            };
        }
    }

    /** The masked slots' logits as the logits hook sees them. */
    private record HookLogits(MaskedLogits logits) implements GenerationHooks.LogitsView {
        @Override
        public int rows() {
            return logits.rows();
        }

        @Override
        public int vocab() {
            return logits.vocab();
        }

        @Override
        public int batchIndex(int r) {
            return logits.batchIndex(r);
        }

        @Override
        public int position(int r) {
            return logits.position(r);
        }

        @Override
        public float get(int r, int token) {
            return logits.logits().get(r, token);
        }

        @Override
        public void set(int r, int token, float value) {
            if (token < 0 || token >= logits.vocab() || r < 0 || r >= logits.rows()) {
                throw new InvalidRequestException("logits_hook", "(" + r + ", " + token + ") is outside the "
                        + logits.rows() + " x " + logits.vocab() + " logits");
            }
            logits.logits().data()[logits.logits().offset(r) + token] = value;
        }
    }

    private static List<List<Integer>> emptyRows(int batch) {
        List<List<Integer>> rows = new ArrayList<>(batch);
        for (int b = 0; b < batch; b++) {
            rows.add(new ArrayList<>());
        }
        return rows;
    }
}
