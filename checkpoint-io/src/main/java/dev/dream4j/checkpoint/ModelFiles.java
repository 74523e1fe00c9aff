package dev.dream4j.checkpoint;

import dev.dream4j.api.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The containment policy of a checkpoint directory: a file the checkpoint reads must resolve (after symlinks) inside
 * the directory or, for a Hugging Face cache snapshot ({@code <repo>/snapshots/<revision>/}), inside the same
 * repository's {@code blobs/} folder, where the cache keeps the content its snapshot symlinks point to. Anything
 * else, a weights file linked to {@code /etc/passwd} for example, is refused before it is opened, so no error
 * message can echo content from outside the model.
 */
public final class ModelFiles {
    /** The files of a checkpoint directory that some plug-in reads, checked when the checkpoint is opened. */
    static final List<String> KNOWN = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt");

    private final Path directory;
    private final List<Path> roots;

    private ModelFiles(Path directory, List<Path> roots) {
        this.directory = directory;
        this.roots = roots;
    }

    /**
     * The policy of {@code directory}.
     *
     * @throws CheckpointException when the directory does not exist or cannot be resolved
     */
    public static ModelFiles of(Path directory) {
        Path real;
        try {
            real = directory.toRealPath();
        } catch (IOException e) {
            throw new CheckpointException(directory, null, "not a checkpoint directory (it does not exist or is not a directory)");
        }
        List<Path> roots = new ArrayList<>(List.of(real));
        Path snapshots = real.getParent();
        if (snapshots != null && snapshots.getFileName() != null && snapshots.getFileName().toString().equals("snapshots")
                && snapshots.getParent() != null) {
            roots.add(snapshots.getParent().resolve("blobs"));
        }
        return new ModelFiles(directory, List.copyOf(roots));
    }

    /**
     * {@code name} inside the directory, checked against the policy when it exists.
     *
     * @throws CheckpointException when {@code name} is not a plain file name or the file resolves outside the policy
     */
    public Path resolve(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.length() > 255
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7F || c == '/' || c == '\\')) {
            throw new CheckpointException(directory, null, "not a plain file name: " + printable(name));
        }
        Path file;
        try {
            file = directory.resolve(name);
        } catch (InvalidPathException e) {
            throw new CheckpointException(directory, null, "not a valid file name: " + printable(name));
        }
        check(file);
        return file;
    }

    /** Checks an existing {@code file} against the policy; a missing file passes (its reader reports it). */
    void check(Path file) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            if (Files.isSymbolicLink(file)) {
                throw new CheckpointException(file, null, "a symbolic link to a missing file");
            }
            return;
        } catch (IOException e) {
            throw new CheckpointException(file, null, "cannot resolve: " + e.getMessage(), e);
        }
        for (Path root : roots) {
            if (real.startsWith(root)) {
                return;
            }
        }
        throw new CheckpointException(file, null, "resolves outside the model directory"
                + (roots.size() > 1 ? " and its Hugging Face cache repository's blobs/" : "")
                + "; refusing to read it (copy the file into the directory instead of linking it)");
    }

    /** The known files that exist, each checked. */
    void checkKnown() {
        for (String name : KNOWN) {
            Path p = directory.resolve(name);
            if (Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                check(p);
            }
        }
    }

    /** {@code s} with control characters escaped and abbreviated, safe for one error line. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 120; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7F ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return "'" + sb + (s.length() > 120 ? "...'" : "'");
    }
}
