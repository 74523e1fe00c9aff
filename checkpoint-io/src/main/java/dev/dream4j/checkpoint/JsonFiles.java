package dev.dream4j.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.dream4j.api.CheckpointException;
import dev.dream4j.spi.model.JsonConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/** Reads and writes the JSON files of a checkpoint directory, with errors that name the file. */
public final class JsonFiles {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    /**
     * JSON files beyond this are refused before they are read (real configs and indexes are well under 1 MiB). Raise
     * with {@code -Ddream4j.json.maxBytes}.
     */
    public static final long DEFAULT_MAX_BYTES = 64L << 20;

    private final ObjectMapper mapper = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** Parses a JSON object file. */
    public JsonConfig read(Path file) {
        try {
            if (!Files.exists(file)) {
                throw new NoSuchFileException(file.toString());
            }
            // a FIFO or device would block or never end; a huge file would exhaust the heap
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException(file, null, "not a regular file");
            }
            long max = Long.getLong("dream4j.json.maxBytes", DEFAULT_MAX_BYTES);
            if (Files.size(file) > max) {
                throw new CheckpointException(file, null, Files.size(file) + " bytes, over the limit of " + max
                        + " for a JSON file (raise with -Ddream4j.json.maxBytes)");
            }
            Map<String, Object> values = mapper.readValue(Files.readAllBytes(file), MAP);
            if (values == null) {
                throw new CheckpointException(file, null, "the document is null; a JSON object is expected");
            }
            return new JsonConfig(file, values);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, null, "file not found");
        } catch (JsonProcessingException e) {
            throw new CheckpointException(file, null, "malformed JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()), e);
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot read: " + e.getMessage(), e);
        }
    }

    /** Parses JSON text held in memory (a safetensors header). */
    public Map<String, Object> parse(Path file, String what, byte[] json) {
        try {
            Map<String, Object> values = mapper.readValue(json, MAP);
            if (values == null) {
                throw new CheckpointException(file, what, "the JSON is null; an object is expected");
            }
            return values;
        } catch (IOException e) {
            throw new CheckpointException(file, what, "malformed JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
    }

    /** Writes {@code value} as indented JSON. */
    public void write(Path file, Object value) throws IOException {
        Files.write(file, mapper.writeValueAsBytes(value));
    }

    /** Serialises compactly. */
    public byte[] bytes(Object value) {
        try {
            return mapper.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
