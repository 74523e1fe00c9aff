package dev.dream4j.kernel.engine;

import dev.dream4j.api.CacheMode;
import dev.dream4j.api.DenoisingListener;
import dev.dream4j.api.DenoisingStep;
import dev.dream4j.api.Dream4jException;
import dev.dream4j.api.GenerationCancelledException;
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
 * Semi-autoregressive block decoding with Fast-dLLM's parallel rules and approximate key/value caches
 * ({@code landscape.md} §4). The new positions {@code [P, L)} are split into blocks of {@link BlockSettings#blockLength()}
 * slots, decoded left to right; a step only ever commits inside the current block, and the sampler sees only the
 * block's masked slots (logits shifted as in the reference loop: slot j is predicted by the output at {@code j - shift}).
 *
 * <h2>Steps of a block</h2>
 * <ul>
 *   <li><b>Block samplers</b> (threshold/factor rule): steps run until the block has no mask; the sampler must commit
 *       at least one slot per row with masks (the engine checks it).</li>
 *   <li><b>Step-schedule samplers</b> (origin, maskgit_plus, topk_margin, entropy, third-party): the request's steps
 *       are spread over the blocks ({@code steps / blocks} each, the remainder to the first blocks, at least 2 each,
 *       checked by {@link RequestResolver#withBlocks}); within a block the sampler gets Dream's schedule
 *       {@code linspace(1, eps, n + 1)} over the block's steps and the block's mask counts, so its last step commits the
 *       rest of the block. Should masks remain (rows whose counts differ, e.g. after an early stop), extra "last" steps
 *       run; a step that commits nothing there commits each row's first masked slot with its argmax token.</li>
 * </ul>
 *
 * <h2>Caches</h2>
 * With {@link CacheMode#PREFIX} or {@link CacheMode#DUAL} each block starts with a <em>refresh</em>: one full forward
 * through {@link KvCache#refresh} that stores every slot's keys and values and commits exactly one token per row, the
 * block's first masked slot, unconditionally (Dream's Fast-dLLM rule: under the one-position logit shift, the block's
 * first slot is predicted by the slot before the block, which a window forward does not compute). The token is the
 * sampler's choice for that single slot, given as the last step of a one-step schedule. A family without a logit
 * shift (LLaDA) predicts every block slot from inside the window, so there the refresh is the block's first ordinary
 * step and commits by the sampler's rule. The block's other steps are
 * {@link KvCache#window} forwards: {@code [blockStart, L)} for the prefix cache, {@code [blockStart, blockEnd)} for the
 * dual cache; keys and values outside the window are those of the refresh (stale). For step-schedule samplers the
 * refresh counts as the block's first step and the schedule covers the remaining ones. A backend without a cache makes
 * {@link Backend#openCache} throw {@link UnsupportedFeatureException}; the engine then logs a warning and decodes
 * uncached. With {@link BlockSettings#refreshEvery()} = 1 every step is a refresh committing by the sampler's rule,
 * which equals uncached block decoding token for token.
 *
 * <h2>Early stop</h2>
 * With {@link BlockSettings#earlyStop()}, when a row's block has no mask left and contains end-of-text, every masked
 * slot after the block in that row becomes end-of-text (reported as committed in that step); the generation ends
 * once no mask is left anywhere. The decoded text, cut at the first end-of-text, is the same as if the tail had been
 * decoded.
 *
 * <p>The returned step count is the number of steps run, which equals the number of forward passes (NFE).
 */
public final class BlockDenoisingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(BlockDenoisingEngine.class);

    private final Backend backend;
    private final ModelDescription model;

    public BlockDenoisingEngine(Backend backend, ModelDescription model) {
        this.backend = backend;
        this.model = model;
    }

    /**
     * Decodes {@code canvas} in place, block by block.
     *
     * @return steps run (= forward passes)
     * @throws GenerationCancelledException when the listener stops the loop or the thread is interrupted
     */
    public int run(DenoisingEngine.Canvas canvas, ResolvedGeneration settings, Sampler sampler,
                   List<LogitsProcessor> processors, RandomGenerator random, DenoisingListener listener) {
        BlockSettings block = settings.block().orElseThrow(() -> new IllegalArgumentException("no block settings"));
        CacheMode mode = block.cache();
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
            return new Run(canvas, settings, block, mode, cache, sampler, processors, random, listener).decode();
        } finally {
            if (cache != null) {
                cache.close();
            }
        }
    }

    /** The state of one generation. */
    private final class Run {
        final DenoisingEngine.Canvas canvas;
        final ResolvedGeneration settings;
        final BlockSettings block;
        final CacheMode mode;
        final KvCache cache;
        final Sampler sampler;
        final List<LogitsProcessor> processors;
        final RandomGenerator random;
        final DenoisingListener listener;
        final int batch;
        final int length;
        final int[] x;
        final int mask;
        final int eos;
        final int shift;
        final int vocab;
        final int totalSteps;
        int step;
        int forwards;

        Run(DenoisingEngine.Canvas canvas, ResolvedGeneration settings, BlockSettings block, CacheMode mode, KvCache cache,
            Sampler sampler, List<LogitsProcessor> processors, RandomGenerator random, DenoisingListener listener) {
            this.canvas = canvas;
            this.settings = settings;
            this.block = block;
            this.mode = mode;
            this.cache = cache;
            this.sampler = sampler;
            this.processors = processors;
            this.random = random;
            this.listener = listener;
            this.batch = canvas.batch();
            this.length = canvas.length();
            this.x = canvas.tokens();
            this.mask = model.tokens().mask();
            this.eos = model.tokens().eos();
            this.shift = model.logitShift();
            this.vocab = model.spec().vocabSize();
            this.totalSteps = block.blockSampler() ? countMasks(0, length) : settings.params().steps();
        }

        int decode() {
            int p = settings.promptLength();
            int newTokens = length - p;
            int blocks = block.blocks(newTokens);
            int steps = settings.params().steps();
            for (int k = 0; k < blocks; k++) {
                int from = p + k * block.blockLength();
                int to = Math.min(length, from + block.blockLength());
                int planned = block.blockSampler() ? 0 : steps / blocks + (k < steps % blocks ? 1 : 0);
                decodeBlock(from, to, planned);
                if (countMasks(0, length) == 0) {
                    break;
                }
            }
            return step;
        }

        private void decodeBlock(int from, int to, int planned) {
            if (countMasks(from, to) == 0) {
                return;
            }
            boolean cached = mode != CacheMode.NONE;
            boolean perBlock = cached && block.refreshEvery() == 0;
            // with the one-position logit shift the block's first slot is predicted from outside any block window,
            // so the refresh must commit it; without a shift the refresh is an ordinary step of the schedule
            boolean commitFirst = perBlock && shift > 0;
            int scheduled = commitFirst ? planned - 1 : planned;
            float[] ts = block.blockSampler() ? null : Schedule.timesteps(Math.max(1, scheduled), settings.params().eps());
            int blockStep = 0;
            boolean refreshed = false;
            int[] initial = null;
            while (countMasks(from, to) > 0) {
                checkInterrupted();
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
                            : block.refreshEvery() == 1 || (perBlock && !refreshed) ? Forward.REFRESH : Forward.WINDOW;
                    if (block.blockSampler()) {
                        info = new StepInfo(blockStep, Math.max(blockStep + 1, to - from), 1.0f, (float) settings.params().eps());
                    } else if (blockStep < scheduled) {
                        info = Schedule.step(ts, blockStep);
                    } else {
                        info = new StepInfo(blockStep, blockStep + 1, ts[ts.length - 2], ts[ts.length - 1]); // drain: a last step
                    }
                    blockStep++;
                }
                boolean drain = !block.blockSampler() && !kind.commitsFirst() && blockStep > scheduled;
                stepOnce(from, to, kind, info, drain, initial);
                refreshed = true;
            }
        }

        private void stepOnce(int from, int to, Forward kind, StepInfo info, boolean drain, int[] initial) {
            // the slots this step may commit, and the rows whose logits predict them
            int[] maskCounts = new int[batch];
            List<Integer> slots = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                for (int j = from; j < to; j++) {
                    if (x[b * length + j] == mask) {
                        slots.add(b * length + j);
                        maskCounts[b]++;
                        if (kind.commitsFirst()) {
                            maskCounts[b] = 1;
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
                int src = Math.max(0, slotPos[r] - shift);
                if (src < winFrom) {
                    throw new IllegalStateException("slot " + slotPos[r] + " is predicted outside the window [" + winFrom + ", " + winTo + ")");
                }
                rows[r] = slotBatch[r] * length + src;
            }
            ForwardBatch fb = ForwardBatch.of(batch, length, x, canvas.positions(), canvas.visible(), rows);
            Logits logits;
            if (kind == Forward.FULL && settings.cfgScale() > 0) {
                logits = Guidance.guided(backend::forward,
                        t -> ForwardBatch.of(batch, length, t, canvas.positions(), canvas.visible(), rows),
                        x, length, settings.promptLength(), mask, settings.cfgScale());
                forwards++;
            } else {
                logits = switch (kind) {
                    case FULL -> backend.forward(fb);
                    case REFRESH, REFRESH_COMMIT_FIRST -> cache.refresh(fb);
                    case WINDOW -> cache.window(fb, winFrom, winTo);
                };
            }
            forwards++;
            long computed = (long) batch * (winTo - winFrom);
            long hits = (long) batch * length - computed;
            Commits.checkLogits(logits, n, vocab);
            MaskedLogits maskedLogits = new MaskedLogits(logits, slotBatch, slotPos);
            for (LogitsProcessor processor : processors) {
                processor.process(info, maskedLogits);
            }
            StepContext context = new StepContext(info, batch, length, mask, x.clone(), maskCounts,
                    initial == null ? maskCounts.clone() : initial);
            StepDecision decision = sampler.step(context, maskedLogits, random);
            List<List<Integer>> committed = Commits.apply(decision, settings.sampler(), slotBatch, slotPos, x, batch,
                    length, mask, vocab);
            // progress: the refresh commits its slot unconditionally; block samplers must commit per row; a drain
            // step that commits nothing commits each row's first masked slot
            boolean mustProgress = kind.commitsFirst() || block.blockSampler() || drain;
            if (mustProgress) {
                for (int r = 0; r < n; r++) {
                    int b = slotBatch[r];
                    if (committed.get(b).isEmpty()) {
                        if (block.blockSampler() && !kind.commitsFirst()) {
                            throw new Dream4jException("block sampler '" + settings.sampler() + "' committed nothing in batch row "
                                    + b + " although its block has masks");
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
            if (block.earlyStop()) {
                earlyStop(from, to, committed);
            }
            report(committed, computed, kind == Forward.WINDOW ? hits : 0, n);
            step++;
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
            if (listener.onStep(event) == DenoisingListener.Decision.STOP) {
                throw new GenerationCancelledException(step + 1);
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

    private enum Forward {
        FULL, REFRESH, REFRESH_COMMIT_FIRST, WINDOW;

        boolean commitsFirst() {
            return this == REFRESH_COMMIT_FIRST;
        }
    }
}
