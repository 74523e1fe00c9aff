package dev.dream4j.checkpoint;

import dev.dream4j.api.CheckpointException;
import dev.dream4j.spi.model.Checkpoint;
import dev.dream4j.spi.model.JsonConfig;
import dev.dream4j.spi.model.TensorView;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Hugging Face snapshot directory: {@code config.json} plus {@code model.safetensors} or
 * {@code model.safetensors.index.json} with its shards, every file memory-mapped in one shared arena (nothing is
 * copied onto the heap). Closing unmaps everything; tensors must not be used afterwards.
 */
public final class HfCheckpoint implements Checkpoint {
    public static final String CONFIG = "config.json";
    public static final String SINGLE = "model.safetensors";
    public static final String INDEX = "model.safetensors.index.json";

    /** Shards beyond this are refused (the largest published checkpoints have a few hundred). */
    static final int MAX_SHARDS = 10_000;

    private final Path directory;
    private final ModelFiles files;
    private final JsonConfig config;
    private final Map<String, TensorView> tensors;
    private final Arena arena;
    private final JsonFiles json;
    private final Map<String, Optional<JsonConfig>> otherJson = new ConcurrentHashMap<>();

    private HfCheckpoint(Path directory, ModelFiles files, JsonConfig config, Map<String, TensorView> tensors, Arena arena, JsonFiles json) {
        this.directory = directory;
        this.files = files;
        this.config = config;
        this.tensors = tensors;
        this.arena = arena;
        this.json = json;
    }

    /**
     * Opens {@code directory}.
     *
     * @throws CheckpointException naming the file (and tensor) that is missing or malformed
     */
    public static HfCheckpoint open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new CheckpointException(directory, null, "not a checkpoint directory (it does not exist or is not a directory)");
        }
        ModelFiles files = ModelFiles.of(directory);
        files.checkKnown();
        JsonFiles json = new JsonFiles();
        JsonConfig config = json.read(files.resolve(CONFIG));
        Arena arena = Arena.ofShared();
        try {
            Map<String, TensorView> tensors = new LinkedHashMap<>();
            Path index = files.resolve(INDEX);
            if (Files.exists(index)) {
                JsonConfig idx = json.read(index);
                JsonConfig weightMap = idx.optionalObject("weight_map").orElseThrow(() ->
                        new CheckpointException(index, "weight_map", "required field 'weight_map' is missing"));
                Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
                for (var e : weightMap.values().entrySet()) {
                    if (!(e.getValue() instanceof String shardName) || shardName.contains("/") || shardName.contains("\\")) {
                        throw new CheckpointException(index, e.getKey(), "weight_map entry must be a file name in the same directory, got "
                                + (e.getValue() instanceof String s ? ModelFiles.printable(s) : String.valueOf(e.getValue())));
                    }
                    if (!shards.containsKey(shardName) && shards.size() >= MAX_SHARDS) {
                        throw new CheckpointException(index, "weight_map", "more than " + MAX_SHARDS + " shards");
                    }
                    SafetensorsFile shard = shards.computeIfAbsent(shardName,
                            n -> SafetensorsFile.open(files.resolve(n), arena, json));
                    TensorView t = shard.tensors().get(e.getKey());
                    if (t == null) {
                        throw new CheckpointException(shard.file(), e.getKey(), "tensor listed in " + INDEX + " is missing from shard " + shardName);
                    }
                    tensors.put(e.getKey(), t);
                }
            } else if (Files.exists(files.resolve(SINGLE))) {
                tensors.putAll(SafetensorsFile.open(files.resolve(SINGLE), arena, json).tensors());
            } else {
                throw new CheckpointException(directory.resolve(SINGLE), null,
                        "no weights: neither " + SINGLE + " nor " + INDEX + " exists");
            }
            return new HfCheckpoint(directory, files, config, Collections.unmodifiableMap(tensors), arena, json);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public JsonConfig config() {
        return config;
    }

    @Override
    public Optional<JsonConfig> json(String fileName) {
        Path p = files.resolve(fileName);
        return otherJson.computeIfAbsent(fileName, n -> Files.exists(p) ? Optional.of(json.read(p)) : Optional.empty());
    }

    @Override
    public Set<String> tensorNames() {
        return tensors.keySet();
    }

    @Override
    public TensorView tensor(String name) {
        TensorView t = tensors.get(name);
        if (t == null) {
            throw new CheckpointException(directory, name, "tensor is missing from the checkpoint");
        }
        return t;
    }

    @Override
    public void close() {
        arena.close();
    }
}
