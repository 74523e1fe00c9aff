package dev.dream4j.tools;

import dev.dream4j.checkpoint.SyntheticCheckpoint;
import dev.dream4j.spi.model.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "synth-checkpoint", description = "Write a random-weight checkpoint in a family's exact published Hugging Face layout (Dream or LLaDA; deterministic per seed).")
public final class SynthCheckpointCommand implements Callable<Integer> {
    /** Shards a synthetic checkpoint may be split into. */
    static final int MAX_SHARDS = 1024;


    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR") Path out;
    @Option(names = "--layers", defaultValue = "2") int layers;
    @Option(names = "--hidden", defaultValue = "64") int hidden;
    @Option(names = "--intermediate", defaultValue = "128") int intermediate;
    @Option(names = "--heads", defaultValue = "4") int heads;
    @Option(names = "--kv-heads", defaultValue = "2") int kvHeads;
    @Option(names = "--head-dim", description = "Default: hidden / heads.") Integer headDim;
    @Option(names = "--vocab", description = "Embedding rows (default: the synthetic tokenizer's size + 7).") Integer vocab;
    @Option(names = "--rope-theta", defaultValue = "10000") double ropeTheta;
    @Option(names = "--max-positions", defaultValue = "512") int maxPositions;
    @Option(names = "--dtype", defaultValue = "BF16", description = "BF16, F16 or F32.") DType dtype;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--shards", defaultValue = "1", description = "More than 1 writes model.safetensors.index.json.") int shards;
    @Option(names = "--family", defaultValue = "dream", paramLabel = "dream|llada", description = "The published layout: dream (Qwen2 keys and names) or llada (OLMo-style d_model/n_heads keys, model.transformer.* names).") String family;
    @Option(names = "--rms-norm-eps", description = "Default: 1e-6 (dream), 1e-5 (llada).") Double rmsNormEps;
    @Option(names = "--no-expand-token", description = "Leave DreamOn's <|expand|> out of the tokenizer.") boolean noExpand;

    @Override
    public Integer call() throws Exception {
        if (shards < 1 || shards > MAX_SHARDS) {
            throw new dev.dream4j.api.InvalidRequestException("--shards", "must be in [1, " + MAX_SHARDS + "], got " + shards);
        }
        if (java.nio.file.Files.exists(out) && !java.nio.file.Files.isDirectory(out)) {
            throw new dev.dream4j.api.InvalidRequestException("--out", out + " exists and is not a directory");
        }
        SyntheticCheckpoint.Builder b = SyntheticCheckpoint.builder().layers(layers).hidden(hidden).intermediate(intermediate)
                .heads(heads).kvHeads(kvHeads).ropeTheta(ropeTheta).maxPositions(maxPositions).dtype(dtype).seed(seed)
                .shards(shards).expandToken(!noExpand);
        b.layout(switch (family.toLowerCase(java.util.Locale.ROOT)) {
            case "dream" -> SyntheticCheckpoint.Layout.DREAM;
            case "llada" -> SyntheticCheckpoint.Layout.LLADA;
            default -> throw new dev.dream4j.api.InvalidRequestException("family", "--family must be dream or llada, got '" + family + "'");
        });
        b.rmsNormEps(rmsNormEps != null ? rmsNormEps : family.equalsIgnoreCase("llada") ? 1e-5 : 1e-6);
        if (headDim != null) b.headDim(headDim);
        if (vocab != null) b.vocab(vocab);
        Path dir = b.build().write(out);
        spec.commandLine().getOut().println(dir.toAbsolutePath());
        return 0;
    }
}
