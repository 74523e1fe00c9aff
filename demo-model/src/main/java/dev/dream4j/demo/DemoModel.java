package dev.dream4j.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The tiny-dream-code checkpoint shipped inside this jar: a really trained 4M-parameter Dream-architecture model
 * (see its README.md). {@link #directory()} unpacks it once into the temporary directory, so it can be opened like
 * any Hugging Face snapshot.
 */
public final class DemoModel {
    /** The name users type for it: {@code --model demo}. */
    public static final String NAME = "demo";
    private static final String VERSION = "tiny-dream-code-1";
    private static final List<String> FILES = List.of("config.json", "generation_config.json", "model.safetensors",
            "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "README.md");

    private DemoModel() {
    }

    /** The unpacked checkpoint directory (unpacked on first use; safe against concurrent first uses). */
    public static Path directory() {
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "dream4j-" + VERSION + "-" + System.getProperty("user.name", "user"));
        if (Files.isRegularFile(target.resolve("model.safetensors")) && Files.isRegularFile(target.resolve(FILES.getFirst()))) {
            return target;
        }
        try {
            Files.createDirectories(target);
            for (String file : FILES) {
                Path dest = target.resolve(file);
                if (Files.isRegularFile(dest)) {
                    continue;
                }
                try (InputStream in = DemoModel.class.getResourceAsStream("tiny-dream-code/" + file)) {
                    if (in == null) {
                        throw new IllegalStateException("the demo model resource " + file + " is missing from the dream4j-demo-model jar");
                    }
                    Path tmp = Files.createTempFile(target, file, ".part");
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                    try {
                        Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the demo model into " + target, e);
        }
    }
}
