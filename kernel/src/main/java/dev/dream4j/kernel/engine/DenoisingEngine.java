package dev.dream4j.kernel.engine;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.GenerationCancelledException;
import dev.dream4j.api.GenerationHooks;
import dev.dream4j.api.InvalidRequestException;
import dev.dream4j.api.UnsupportedFeatureException;
import dev.dream4j.spi.backend.Backend;
import dev.dream4j.spi.backend.ForwardBatch;
import dev.dream4j.spi.backend.KvCache;
import dev.dream4j.spi.backend.Logits;
import dev.dream4j.spi.model.ModelDescription;
import dev.dream4j.spi.sampling.LogitsProcessor;
import dev.dream4j.spi.sampling.MaskedLogits;
import dev.dream4j.spi.sampling.Sampler;
import dev.dream4j.spi.sampling.Schedule;
import dev.dream4j.spi.sampling.StepContext;
import dev.dream4j.spi.sampling.StepDecision;
import dev.dream4j.spi.sampling.StepInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The one denoising loop: Dream's {@code diffusion_generate} ({@code dream-semantics.md} §3) and semi-autoregressive
 * block decoding with Fast-dLLM's parallel rules and approximate key/value caches ({@code landscape.md} §4). A canvas
 * of prompt and masks goes through steps of forward → shift → logits hook → logits processors → sampler → commit →
 * tokens hook → listener. It talks to the backend, processors and sampler through the SPI only.
 *
 * <h2>Spans</h2>
 * The loop decodes the canvas span by span, left to right; a step only ever commits inside the current span, and the
 * sampler sees only the span's masked slots (slot j is predicted by the output at {@code j - shift}, slot 0 by
 * itself). What differs between the modes is data ({@link ResolvedGeneration#block()}, {@link BlockSettings}):
 * <ul>
 *   <li><b>Reference decoding</b> (no block settings) is the one-block, no-cache case: one span over the whole canvas
 *       (Dream's reference decodes every mask, a tokens hook's too), the request's steps as one schedule
 *       {@code linspace(1, eps, steps + 1)}, and every step of it run: once no mask is left a step runs no forward (the
 *       reference runs it and discards the result) but still calls the tokens hook and the listener.</li>
 *   <li><b>Block decoding</b>: the new positions {@code [P, L)} in blocks of {@link BlockSettings#blockLength()}
 *       slots; a block ends when it has no mask left.
 *       <ul>
 *         <li>Block samplers (threshold/factor rule): steps run until the block has no mask; the sampler must commit
 *             at least one slot per row with masks.</li>
 *         <li>Step-schedule samplers (origin, maskgit_plus, topk_margin, entropy, LLaDA's low_confidence,
 *             third-party): the request's steps are spread over the blocks ({@code steps / blocks} each, the remainder
 *             to the first blocks, checked by {@link RequestResolver#withBlocks}); within a block the sampler gets
 *             Dream's schedule over the block's steps and the block's mask counts (LLaDA's sampler splits those evenly
 *             over the block's steps). Should masks remain after the schedule (rows whose counts differ, e.g. after an
 *             early stop), extra "last" steps run; where such a step commits nothing in a row, the row's first masked
 *             slot gets its argmax token.</li>
 *       </ul></li>
 * </ul>
 *
 * <h2>Caches</h2>
 * With {@link CacheMode#PREFIX} or {@link CacheMode#DUAL} each block starts with a <em>refresh</em>: one full forward
 * through {@link KvCache#refresh} that stores every slot's keys and values. Under the one-position logit shift it
 * commits exactly one token per row, the block's first masked slot (Dream's Fast-dLLM rule: that slot is predicted by
 * the slot before the block, which a window forward does not compute), as the sampler's choice for that single slot
 * given as the last step of a one-step schedule; the refresh counts as the block's first step and the schedule covers
 * the others. A family without a logit shift (LLaDA) predicts every block slot from inside the window, so there the
 * refresh is the block's first ordinary step. The block's other steps are {@link KvCache#window} forwards:
 * {@code [blockStart, L)} for the prefix cache, {@code [blockStart, blockEnd)} for the dual cache; keys and values
 * outside the window are those of the refresh (stale). A backend without a cache makes {@link Backend#openCache} throw
 * {@link UnsupportedFeatureException}; the loop then logs a warning and decodes uncached. With
 * {@link BlockSettings#refreshEvery()} = 1 every step is a refresh committing by the sampler's rule, which equals
 * uncached block decoding token for token.
 *
 * <h2>Hooks</h2>
 * {@link GenerationHooks} run in every mode. The tokens hook runs once before the first step ({@code step = -1}) and
 * after every step's commits (an early stop's end-of-text fill included), before the listener sees the step. The logits
 * hook runs on the logits the sampler sees, before the logits processors: every masked slot of the span, which in
 * block decoding is the current block (for a cached window step the window's rows of the block; for a refresh that
 * commits the block's first slot, that one slot per row). A slot the tokens hook masks is decoded when it lies in the
 * current span or a later one; in block decoding one masked in an earlier block stays masked. Under a cache, a token
 * the hook changes outside the window reaches the keys and values at the next refresh.
 *
 * <h2>Commits</h2>
 * A sampler may not commit an unmasked slot (the reference's write-MASK branch is unreachable, see
 * {@code dream-semantics.md} "Parity notes"). On the last step of a schedule ({@link StepInfo#isLast()}) every rule
 * asks for every masked slot shown, so a step-schedule sampler that leaves one there (rows with equal mask counts) is
 * a {@link Dream4jException} naming it and the step, raised at that step: in block decoding at the end of the first
 * block, not after running every block. Earlier steps that commit nothing are legal (Dream's schedule floors
 * {@code nAvg * (1 - s/t)}, and {@code origin} commits each slot with a probability). Rows with unequal mask counts
 * (only a tokens hook or an early stop makes them) are exempt, as in Dream's {@code floor(nAvg)}.
 *
 * <h2>Early stop</h2>
 * With {@link BlockSettings#earlyStop()}, when a row's block has no mask left and contains end-of-text, every masked
 * slot after the block in that row becomes end-of-text (reported as committed in that step); the generation ends
 * once no mask is left anywhere. The decoded text, cut at the first end-of-text, is the same as if the tail had been
 * decoded.
 *
 * <h2>Listener</h2>
 * {@link DenoisingListener.Decision#STOP} ends the loop after the step and returns with the canvas as it is
 * ({@link Outcome#stopped()}); {@link DenoisingListener.Decision#CANCEL}, like an interrupt of the generating thread,
 * throws {@link GenerationCancelledException}.
 */
public final class DenoisingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(DenoisingEngine.class);

    /** One batch to denoise: row-major canvas and attention layout. */
    public record Canvas(int batch, int length, int[] tokens, int[] positions, boolean[] visible) {
    }

    /**
     * What a run did.
     *
     * @param steps    steps run (reference decoding: every scheduled step, the ones without a forward included)
     * @param forwards forward passes (NFE); guidance counts two per step
     * @param stopped  the listener returned {@link DenoisingListener.Decision#STOP}: the canvas is as that step left it
     */
    public record Outcome(int steps, int forwards, boolean stopped) {
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

    /** {@link #run(Canvas, ResolvedGeneration, Sampler, List, RandomGenerator, DenoisingListener, GenerationHooks)} without hooks. */
    public Outcome run(Canvas canvas, ResolvedGeneration settings, Sampler sampler, List<LogitsProcessor> processors,
                       RandomGenerator random, DenoisingListener listener) {
        return run(canvas, settings, sampler, processors, random, listener, GenerationHooks.NONE);
    }

    /**
     * Decodes {@code canvas} in place as {@code settings} say (see the class comment).
     *
     * @throws GenerationCancelledException when the listener cancels or the thread is interrupted
     * @throws Dream4jException when a plug-in breaks its contract (backend rows, sampler commits)
     */
    public Outcome run(Canvas canvas, ResolvedGeneration settings, Sampler sampler, List<LogitsProcessor> processors,
                       RandomGenerator random, DenoisingListener listener, GenerationHooks hooks) {
        Plan plan = Plan.of(settings, canvas.length());
        CacheMode mode = plan.cache();
        KvCache cache = null;
        if (mode != CacheMode.NONE) {
            try {
                cache = backend.openCache(canvas.batch(), canvas.length());
            } catch (UnsupportedFeatureException e) {
                LOG.warn("--cache {} is not available ({}); decoding without a cache", mode.id(), e.getMessage());
                mode = CacheMode.NONE;
            }
        }
        try {
            return new Run(canvas, settings, plan, mode, cache, sampler, processors, random, listener, hooks).decode();
        } finally {
            if (cache != null) {
                cache.close();
            }
        }
    }

    /**
     * The shape of a run, as data.
     *
     * @param spans        the spans decoded left to right
     * @param cache        the requested cache mode
     * @param blockSampler steps run until a span is done, at least one commit per row each (no step schedule)
     * @param earlyStop    fill a row's tail with end-of-text once a finished block of it holds end-of-text
     * @param refreshEvery as {@link BlockSettings#refreshEvery()}
     * @param everyStep    run every scheduled step even once the span has no mask (the reference), instead of ending
     *                     the span when it has none and draining masks left after the schedule (blocks)
     */
    private record Plan(List<Span> spans, CacheMode cache, boolean blockSampler, boolean earlyStop, int refreshEvery,
                        boolean everyStep) {

        static Plan of(ResolvedGeneration settings, int length) {
            int steps = settings.params().steps();
            if (settings.block().isEmpty()) {
                return new Plan(List.of(new Span(0, length, steps)), CacheMode.NONE, false, false, 0, true);
            }
            BlockSettings block = settings.block().get();
            int p = settings.promptLength();
            int blocks = block.blocks(length - p);
            List<Span> spans = new ArrayList<>(blocks);
            for (int k = 0; k < blocks; k++) {
                int from = p + k * block.blockLength();
                // LLaDA's and Fast-dLLM's split: steps / blocks per block, the remainder one each to the first blocks
                int planned = block.blockSampler() ? 0 : steps / blocks + (k < steps % blocks ? 1 : 0);
                spans.add(new Span(from, Math.min(length, from + block.blockLength()), planned));
            }
            return new Plan(List.copyOf(spans), block.cache(), block.blockSampler(), block.earlyStop(),
                    block.refreshEvery(), false);
        }
    }

    /** Slots {@code [from, to)} of every row, decoded with {@code steps} scheduled steps (0 for block samplers). */
    private record Span(int from, int to, int steps) {
    }

    private enum Forward {
        FULL, REFRESH, REFRESH_COMMIT_FIRST, WINDOW;

        boolean commitsFirst() {
            return this == REFRESH_COMMIT_FIRST;
        }
    }

    /** The state of one generation. */
    private final class Run {
        final Canvas canvas;
        final ResolvedGeneration settings;
        final Plan plan;
        final CacheMode mode;
        final KvCache cache;
        final Sampler sampler;
        final List<LogitsProcessor> processors;
        final RandomGenerator random;
        final DenoisingListener listener;
        final GenerationHooks hooks;
        final HookCanvas hookCanvas;
        final int batch;
        final int length;
        final int[] x;
        final int mask;
        final int eos;
        final int shift;
        final int vocab;
        int totalSteps;
        int step;
        int forwards;
        boolean stopped;

        Run(Canvas canvas, ResolvedGeneration settings, Plan plan, CacheMode mode, KvCache cache, Sampler sampler,
            List<LogitsProcessor> processors, RandomGenerator random, DenoisingListener listener, GenerationHooks hooks) {
            this.canvas = canvas;
            this.settings = settings;
            this.plan = plan;
            this.mode = mode;
            this.cache = cache;
            this.sampler = sampler;
            this.processors = processors;
            this.random = random;
            this.listener = listener;
            this.hooks = hooks;
            this.batch = canvas.batch();
            this.length = canvas.length();
            this.x = canvas.tokens();
            this.mask = model.tokens().mask();
            this.eos = model.tokens().eos();
            this.shift = model.logitShift();
            this.vocab = model.spec().vocabSize();
            this.hookCanvas = new HookCanvas(x, batch, length, mask, vocab);
        }

        Outcome decode() {
            hooks.tokens().ifPresent(h -> h.apply(-1, hookCanvas));
            // what the listener is told: threshold/factor decoding takes at most one step per masked slot
            totalSteps = plan.blockSampler() ? countMasks(0, length) : settings.params().steps();
            for (int k = 0; k < plan.spans().size() && !stopped; k++) {
                decodeSpan(k, plan.spans().get(k));
                if (!plan.everyStep() && countMasks(0, length) == 0) {
                    break;
                }
            }
            return new Outcome(step, forwards, stopped);
        }

        private void decodeSpan(int index, Span span) {
            int from = span.from();
            int to = span.to();
            boolean cached = mode != CacheMode.NONE;
            boolean perBlock = cached && plan.refreshEvery() == 0;
            // with the one-position logit shift the block's first slot is predicted from outside any block window,
            // so the refresh must commit it; without a shift the refresh is an ordinary step of the schedule
            boolean commitFirst = perBlock && shift > 0;
            int scheduled = commitFirst ? span.steps() - 1 : span.steps();
            float[] ts = plan.blockSampler() ? null : Schedule.timesteps(Math.max(1, scheduled), settings.params().eps());
            int spanStep = 0;
            boolean refreshed = false;
            int[] initial = null; // masks per row when the span's schedule started (after the tokens hook's first edit)
            while (!stopped && (plan.everyStep() ? spanStep < scheduled : countMasks(from, to) > 0)) {
                checkInterrupted();
                if (plan.everyStep() && countMasks(from, to) == 0) {
                    idleStep();
                    spanStep++;
                    continue;
                }
                StepInfo info;
                Forward kind;
                if (commitFirst && !refreshed) {
                    kind = Forward.REFRESH_COMMIT_FIRST;
                    info = new StepInfo(0, 1, 1.0f, (float) settings.params().eps());
                } else {
                    if (initial == null) {
                        initial = maskCountsPerRow(from, to);
                    }
                    kind = !cached ? Forward.FULL
                            : plan.refreshEvery() == 1 || (perBlock && !refreshed) ? Forward.REFRESH : Forward.WINDOW;
                    if (plan.blockSampler()) {
                        info = new StepInfo(spanStep, Math.max(spanStep + 1, to - from), 1.0f, (float) settings.params().eps());
                    } else if (spanStep < scheduled) {
                        info = Schedule.step(ts, spanStep);
                    } else {
                        info = new StepInfo(spanStep, spanStep + 1, ts[ts.length - 2], ts[ts.length - 1]); // drain: a last step
                    }
                    spanStep++;
                }
                boolean drain = !plan.blockSampler() && !kind.commitsFirst() && spanStep > scheduled;
                stepOnce(index, from, to, kind, info, drain, initial);
                refreshed = true;
            }
        }

        /** A reference step once the canvas has no mask: no forward, but the hook and the listener see it. */
        private void idleStep() {
            hooks.tokens().ifPresent(h -> h.apply(step, hookCanvas));
            report(emptyRows(batch), 0L, 0L, 0);
            step++;
        }

        private void stepOnce(int span, int from, int to, Forward kind, StepInfo info, boolean drain, int[] initial) {
            // the slots this step may commit, and the rows whose logits predict them
            int[] maskCounts = new int[batch];
            List<Integer> slots = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                for (int j = from; j < to; j++) {
                    if (x[b * length + j] == mask) {
                        slots.add(b * length + j);
                        maskCounts[b]++;
                        if (kind.commitsFirst()) {
                            break;
                        }
                    }
                }
            }
            int n = slots.size();
            int[] slotBatch = new int[n];
            int[] slotPos = new int[n];
            int[] rows = new int[n];
            int winFrom = mode == CacheMode.NONE || kind != Forward.WINDOW ? 0 : from;
            int winTo = mode == CacheMode.PREFIX || kind != Forward.WINDOW ? length : to;
            for (int r = 0; r < n; r++) {
                int slot = slots.get(r);
                slotBatch[r] = slot / length;
                slotPos[r] = slot % length;
                // the logit shift: slot j is predicted by the output at j - shift (slot 0 by itself)
                int src = Math.max(0, slotPos[r] - shift);
                if (src < winFrom) {
                    throw new IllegalStateException("slot " + slotPos[r] + " is predicted outside the window [" + winFrom + ", " + winTo + ")");
                }
                rows[r] = slotBatch[r] * length + src;
            }
            Logits logits;
            if (kind == Forward.FULL && settings.cfgScale() > 0) {
                logits = Guidance.guided(backend::forward,
                        t -> ForwardBatch.of(batch, length, t, canvas.positions(), canvas.visible(), rows),
                        x, length, settings.promptLength(), mask, settings.cfgScale());
                forwards += 2;
            } else {
                ForwardBatch fb = ForwardBatch.of(batch, length, x, canvas.positions(), canvas.visible(), rows);
                logits = switch (kind) {
                    case FULL -> backend.forward(fb);
                    case REFRESH, REFRESH_COMMIT_FIRST -> cache.refresh(fb);
                    case WINDOW -> cache.window(fb, winFrom, winTo);
                };
                forwards++;
            }
            long computed = (long) batch * (winTo - winFrom);
            long hits = kind == Forward.WINDOW ? (long) batch * length - computed : 0L;
            Commits.checkLogits(logits, n, vocab);
            MaskedLogits maskedLogits = new MaskedLogits(logits, slotBatch, slotPos);
            if (hooks.logits().isPresent()) {
                hooks.logits().get().apply(step, hookCanvas.readOnly(), new HookLogits(maskedLogits));
            }
            for (LogitsProcessor processor : processors) {
                processor.process(info, maskedLogits);
            }
            StepContext context = new StepContext(info, batch, length, mask, x.clone(), maskCounts,
                    kind.commitsFirst() || initial == null ? maskCounts.clone() : initial);
            StepDecision decision = sampler.step(context, maskedLogits, random);
            List<List<Integer>> committed = Commits.apply(decision, settings.sampler(), slotBatch, slotPos, x, batch,
                    length, mask, vocab);
            if (info.isLast() && !plan.blockSampler()) {
                checkLastStep(span, slotBatch, slotPos, maskCounts);
            }
            // progress: the refresh commits its slot unconditionally; block samplers must commit per row; a drain
            // step that commits nothing commits each row's first masked slot
            if (kind.commitsFirst() || plan.blockSampler() || drain) {
                makeProgress(kind, logits, slotBatch, slotPos, committed);
            }
            if (plan.earlyStop()) {
                earlyStop(from, to, committed);
            }
            hooks.tokens().ifPresent(h -> h.apply(step, hookCanvas));
            report(committed, computed, hits, n);
            step++;
        }

        /**
         * On the last step of a schedule every rule commits every masked slot it is shown (conformance rule S5), so a
         * slot left is a sampler that does not commit, and its output would be mask tokens decoded to nothing (empty
         * text, exit 0). As in S5, rows with unequal mask counts are exempt: Dream's {@code floor(nAvg)} may leave masks
         * there.
         */
        private void checkLastStep(int span, int[] slotBatch, int[] slotPos, int[] maskCounts) {
            for (int c : maskCounts) {
                if (c != maskCounts[0]) {
                    return;
                }
            }
            int left = 0;
            for (int r = 0; r < slotBatch.length; r++) {
                if (x[slotBatch[r] * length + slotPos[r]] == mask) {
                    left++;
                }
            }
            if (left > 0) {
                String where = plan.everyStep() ? "of " + settings.params().steps() + " steps"
                        : "of block " + (span + 1) + " of " + plan.spans().size() + "'s schedule";
                throw new Dream4jException("sampler '" + settings.sampler() + "' left " + left + " of " + slotBatch.length
                        + " masked slot(s) uncommitted on step " + (step + 1) + ", the last " + where
                        + ": on the last step of a schedule (StepInfo.isLast()) a sampler must commit every masked slot");
            }
        }

        private void makeProgress(Forward kind, Logits logits, int[] slotBatch, int[] slotPos, List<List<Integer>> committed) {
            for (int r = 0; r < slotBatch.length; r++) {
                int b = slotBatch[r];
                if (committed.get(b).isEmpty()) {
                    if (plan.blockSampler() && !kind.commitsFirst()) {
                        throw new Dream4jException("block sampler '" + settings.sampler() + "' committed nothing in batch row "
                                + b + " on step " + (step + 1) + " although its block has masks");
                    }
                    int off = logits.offset(r);
                    int best = 0;
                    float[] d = logits.data();
                    for (int v = 1; v < vocab; v++) {
                        if (d[off + v] > d[off + best]) {
                            best = v;
                        }
                    }
                    x[b * length + slotPos[r]] = best;
                    committed.get(b).add(slotPos[r]);
                }
            }
        }

        private void earlyStop(int from, int to, List<List<Integer>> committed) {
            for (int b = 0; b < batch; b++) {
                int base = b * length;
                boolean done = true;
                boolean end = false;
                for (int j = from; j < to; j++) {
                    done &= x[base + j] != mask;
                    end |= x[base + j] == eos;
                }
                if (done && end) {
                    for (int j = to; j < length; j++) {
                        if (x[base + j] == mask) {
                            x[base + j] = eos;
                            committed.get(b).add(j);
                        }
                    }
                }
            }
        }

        private void report(List<List<Integer>> committed, long computed, long hits, int logitRows) {
            if (listener == DenoisingListener.NONE) {
                return;
            }
            List<List<Integer>> rows = new ArrayList<>(batch);
            for (int b = 0; b < batch; b++) {
                rows.add(Arrays.stream(x, b * length, (b + 1) * length).boxed().toList());
                committed.get(b).sort(null);
            }
            DenoisingStep event = new DenoisingStep(step, Math.max(totalSteps, step + 1), rows, committed,
                    countMasks(0, length), forwards, computed, hits, logitRows);
            switch (listener.onStep(event)) {
                case CONTINUE -> { }
                case STOP -> stopped = true;
                case CANCEL -> throw new GenerationCancelledException(step + 1);
            }
        }

        private void checkInterrupted() {
            if (Thread.currentThread().isInterrupted()) {
                throw new GenerationCancelledException(step);
            }
        }

        private int[] maskCountsPerRow(int from, int to) {
            int[] counts = new int[batch];
            for (int b = 0; b < batch; b++) {
                for (int j = from; j < to; j++) {
                    if (x[b * length + j] == mask) {
                        counts[b]++;
                    }
                }
            }
            return counts;
        }

        private int countMasks(int from, int to) {
            int c = 0;
            for (int b = 0; b < batch; b++) {
                for (int j = from; j < to; j++) {
                    if (x[b * length + j] == mask) {
                        c++;
                    }
                }
            }
            return c;
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
