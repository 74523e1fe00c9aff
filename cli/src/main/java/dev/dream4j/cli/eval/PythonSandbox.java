package dev.dream4j.cli.eval;

import dev.dream4j.api.Dream4jException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs model-written Python against its tests, as contained as a plain JVM can make it without root:
 * <ul>
 *   <li>a fresh temporary working directory, deleted afterwards; {@code python3 -I -B} (isolated: no user site,
 *       no {@code PYTHON*} variables, no bytecode files) with an environment holding only {@code PATH} and
 *       {@code HOME} = that directory;</li>
 *   <li>no network: inside {@code unshare -rn} (a new, empty network namespace) when the system allows it, and in
 *       every case a preamble that replaces {@code socket.socket}, {@code create_connection} and
 *       {@code getaddrinfo} with functions that raise;</li>
 *   <li>limits set by the preamble with {@code resource.setrlimit}: address space (memory), CPU seconds, size of
 *       written files; a wall-clock timeout after which the process tree is killed.</li>
 * </ul>
 * It is a guard against accidents (an endless loop, a memory bomb, a stray download), not a security boundary against
 * hostile code: run untrusted datasets in a container.
 */
public final class PythonSandbox {
    private static final int OUTPUT_LIMIT = 16 * 1024;

    /** How a program run ended. */
    public enum Outcome { PASSED, FAILED, TIMEOUT }

    /**
     * One run.
     *
     * @param output the first 16 KiB of stdout and stderr together
     */
    public record Verdict(Outcome outcome, int exitCode, String output) {
        public boolean passed() {
            return outcome == Outcome.PASSED;
        }
    }

    private final String python;
    private final Duration timeout;
    private final long memoryBytes;
    private final boolean unshare;

    private PythonSandbox(String python, Duration timeout, long memoryBytes, boolean unshare) {
        this.python = python;
        this.timeout = timeout;
        this.memoryBytes = memoryBytes;
        this.unshare = unshare;
    }

    /**
     * A sandbox running {@code python}, or empty when it does not start ({@code python --version} fails).
     * {@code unshare -rn} is used when a probe run through it succeeds.
     */
    public static Optional<PythonSandbox> find(String python, Duration timeout, long memoryBytes) {
        if (!runs(List.of(python, "--version"))) {
            return Optional.empty();
        }
        boolean unshare = runs(List.of("unshare", "-rn", python, "-c", "pass"));
        return Optional.of(new PythonSandbox(python, timeout, memoryBytes, unshare));
    }

    /** Whether the network namespace is in use (else only the socket-blocking preamble). */
    public boolean isolatedNetwork() {
        return unshare;
    }

    private static boolean runs(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    String preamble() {
        long cpu = Math.max(1, timeout.toSeconds() + 1);
        return String.join("\n",
                "import resource as _r, socket as _s",
                "_r.setrlimit(_r.RLIMIT_AS, (" + memoryBytes + ", " + memoryBytes + "))",
                "_r.setrlimit(_r.RLIMIT_CPU, (" + cpu + ", " + (cpu + 1) + "))",
                "_r.setrlimit(_r.RLIMIT_FSIZE, (" + (16L << 20) + ", " + (16L << 20) + "))",
                "def _no_network(*args, **kwargs):",
                "    raise OSError('network access is disabled in the dream4j eval sandbox')",
                "_s.socket = _s.create_connection = _s.getaddrinfo = _s.socketpair = _no_network",
                "del _r, _s",
                "");
    }

    /** Runs {@code program} (after the preamble); exit status 0 within the timeout is a pass. */
    public Verdict run(String program) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("dream4j-eval-");
            Path file = dir.resolve("program.py");
            Files.writeString(file, preamble() + program, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>();
            if (unshare) {
                command.addAll(List.of("unshare", "-rn"));
            }
            command.addAll(List.of(python, "-I", "-B", file.getFileName().toString()));
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Map<String, String> env = pb.environment();
            String path = env.getOrDefault("PATH", "/usr/bin:/bin");
            env.clear();
            env.put("PATH", path);
            env.put("HOME", dir.toString());
            Process p = pb.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> drain(p.getInputStream(), out));
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            reader.join(Duration.ofSeconds(5));
            String output;
            synchronized (out) {
                output = out.toString(StandardCharsets.UTF_8);
            }
            if (!done) {
                return new Verdict(Outcome.TIMEOUT, -1, output);
            }
            return new Verdict(p.exitValue() == 0 ? Outcome.PASSED : Outcome.FAILED, p.exitValue(), output);
        } catch (IOException e) {
            throw new Dream4jException("cannot run " + python + " in the eval sandbox: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Dream4jException("interrupted while running a completion", e);
        } finally {
            if (dir != null) {
                delete(dir);
            }
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            for (int n; (n = in.read(buf)) >= 0; ) {
                synchronized (out) {
                    int room = OUTPUT_LIMIT - out.size();
                    if (room > 0) {
                        out.write(buf, 0, Math.min(room, n));
                    }
                }
            }
        } catch (IOException e) {
            // the process was killed: what was read is kept
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the eval sandbox directory " + dir, e);
        }
    }
}
