package dev.dream4j.tokenizer.hf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/** Test fixtures unpacked into temporary checkpoint-like directories. */
final class Fixtures {

    private static Path qwenDir;
    private static Path tinyDir;

    private Fixtures() {
    }

    /** The Qwen tokenizer (tokenizer.json unpacked from the gzip resource, plus tokenizer_config.json). */
    static synchronized Path qwenDir() {
        if (qwenDir == null) {
            try {
                Path dir = Files.createTempDirectory("dream4j-qwen-tok");
                try (InputStream in = new GZIPInputStream(resource("/qwen3/tokenizer.json.gz"))) {
                    Files.copy(in, dir.resolve("tokenizer.json"));
                }
                try (InputStream in = resource("/qwen3/tokenizer_config.json")) {
                    Files.copy(in, dir.resolve("tokenizer_config.json"));
                }
                dir.toFile().deleteOnExit();
                dir.resolve("tokenizer.json").toFile().deleteOnExit();
                dir.resolve("tokenizer_config.json").toFile().deleteOnExit();
                qwenDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return qwenDir;
    }

    /** The demo checkpoint's tokenizer (2048 entries). */
    static synchronized Path tinyDir() {
        if (tinyDir == null) {
            try {
                Path dir = Files.createTempDirectory("dream4j-tiny-tok");
                for (String f : new String[] {"tokenizer.json", "tokenizer_config.json"}) {
                    try (InputStream in = resource("/tiny-dream-code/" + f)) {
                        Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
                    }
                    dir.resolve(f).toFile().deleteOnExit();
                }
                dir.toFile().deleteOnExit();
                tinyDir = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return tinyDir;
    }

    static InputStream resource(String name) {
        InputStream in = Fixtures.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return in;
    }

    static String text(String name) {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
