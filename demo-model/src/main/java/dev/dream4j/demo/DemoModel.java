package dev.dream4j.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The tiny-dream-code checkpoint shipped inside this jar: a really trained 4M-parameter Dream-architecture model
 * (see {@code demo-model/src/main/resources/dev/dream4j/demo/tiny-dream-code/README.md}). {@link #directory()}
 * unpacks it into a private per-user cache directory, so it can be opened like any Hugging Face snapshot.
 * <p>
 * The directory is {@code $XDG_CACHE_HOME/dream4j/<version>} (else {@code ~/.cache/dream4j/<version>}; the system
 * property {@code dream4j.cache} overrides the base). It is created with owner-only permissions, and before it is
 * used it must be a real directory (not a symlink) owned by the current user and writable by nobody else, and every
 * file must be a regular file whose SHA-256 equals the jar's copy; a file that differs is unpacked again. A shared,
 * predictable path in the system temporary directory would let another local user plant a checkpoint there.
 */
public final class DemoModel {
    /** The name users type for it: {@code --model demo}. */
    public static final String NAME = "demo";
    private static final String VERSION = "tiny-dream-code-1";
    private static final List<String> FILES = List.of("config.json", "generation_config.json", "model.safetensors",
            "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "README.md");
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private DemoModel() {
    }

    /**
     * The unpacked, verified checkpoint directory (unpacked on first use; safe against concurrent first uses).
     *
     * @throws UncheckedIOException when the directory cannot be created or is not private to this user
     */
    public static Path directory() {
        Path base = cacheBase();
        try {
            return directory(base);
        } catch (UncheckedIOException e) {
            if (Files.isWritable(base) || !(e.getCause() instanceof java.nio.file.AccessDeniedException)) {
                throw e;
            }
            // no writable cache (a read-only home): a fresh private temporary directory, unpacked for this process
            try {
                return directory(Files.createTempDirectory("dream4j-demo-"));
            } catch (IOException io) {
                throw new UncheckedIOException("cannot create a private temporary directory for the demo model", io);
            }
        }
    }

    /** As {@link #directory()}, under {@code base} instead of the user's cache directory. */
    static Path directory(Path base) {
        Path target = base.resolve("dream4j").resolve(VERSION);
        try {
            createPrivate(base.resolve("dream4j"));
            createPrivate(target);
            for (String file : FILES) {
                byte[] expected = resourceDigest(file);
                Path dest = target.resolve(file);
                if (Files.isRegularFile(dest, LinkOption.NOFOLLOW_LINKS) && Arrays.equals(expected, fileDigest(dest))) {
                    continue;
                }
                unpack(file, target, dest);
                if (!Arrays.equals(expected, fileDigest(dest))) {
                    throw new IOException(dest + " does not match the demo model in the jar after unpacking");
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the demo model into " + target + ": " + e.getMessage(), e);
        }
    }

    private static Path cacheBase() {
        String configured = System.getProperty("dream4j.cache");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg);
        }
        return Path.of(System.getProperty("user.home"), ".cache");
    }

    /** Creates {@code dir} owner-only if absent, then checks that it is a private directory of this user. */
    private static void createPrivate(Path dir) throws IOException {
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                if (posix) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // a concurrent first use created it: checked below like any existing directory
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory (a symbolic link or a file is there)");
        }
        if (posix) {
            PosixFileAttributes attrs = Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
            UserPrincipal me = currentUser(dir);
            if (!attrs.owner().equals(me)) {
                throw new IOException(dir + " belongs to " + attrs.owner().getName() + ", not to " + me.getName());
            }
            if (!writableByOthers(attrs.permissions()).isEmpty()) {
                throw new IOException(dir + " is writable by other users (" + PosixFilePermissions.toString(attrs.permissions()) + ")");
            }
        }
    }

    private static Set<PosixFilePermission> writableByOthers(Set<PosixFilePermission> perms) {
        Set<PosixFilePermission> w = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : perms) {
            if (p == PosixFilePermission.GROUP_WRITE || p == PosixFilePermission.OTHERS_WRITE) {
                w.add(p);
            }
        }
        return w;
    }

    /** The current user, as the owner of a file this process creates. */
    private static UserPrincipal currentUser(Path near) throws IOException {
        Path probe = Files.createTempFile(near, ".owner", ".probe");
        try {
            return Files.getOwner(probe, LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    private static void unpack(String file, Path target, Path dest) throws IOException {
        try (InputStream in = resource(file)) {
            Path tmp = Files.createTempFile(target, file, ".part"); // owner-only by default
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            try {
                Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static InputStream resource(String file) {
        InputStream in = DemoModel.class.getResourceAsStream("tiny-dream-code/" + file);
        if (in == null) {
            throw new IllegalStateException("the demo model resource " + file + " is missing from the dream4j-demo-model jar");
        }
        return in;
    }

    private static byte[] resourceDigest(String file) throws IOException {
        try (InputStream in = resource(file)) {
            return digest(in);
        }
    }

    private static byte[] fileDigest(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return digest(in);
        }
    }

    private static byte[] digest(InputStream in) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        byte[] buf = new byte[1 << 16];
        for (int n; (n = in.read(buf)) > 0; ) {
            md.update(buf, 0, n);
        }
        return md.digest();
    }
}
