package dev.dream4j.architecture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No file cites a document that does not exist. Code comments and docs point readers at repository documents
 * ({@code docs/dream-semantics.md} §3, {@code conformance-tests/RULES.md}, {@code QUANTIZATION.md}, markdown links with
 * {@code #anchors}); a citation that names a missing file or section sends the reader nowhere, and such citations rot
 * silently when a document moves. This test reads every java, md, proto, sh and xml file of the repository and the
 * scripts under {@code .ci/} (not {@code target/}, {@code node_modules/}, other hidden directories or what
 * {@code .gitignore} lists at the root) and checks:
 * <ul>
 *   <li>every {@code *.md} name outside a URL resolves: a path, relative to the citing file or to the repository root; a
 *       bare name, next to the citing file or to exactly one document of that name in the repository;</li>
 *   <li>every {@code §N} after a cited document is a numbered heading of that document, and in a markdown file every
 *       {@code §N} not after a citation is a numbered heading of the file itself;</li>
 *   <li>every relative markdown link ({@code [x](path)}, {@code [x](path#anchor)}, {@code [x](#anchor)}) names an
 *       existing file or directory, and its anchor one of the document's headings (GitHub's slugs).</li>
 * </ul>
 * Documents of other projects are cited by URL, which this test does not follow.
 */
class DocCitationTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Set<String> SCANNED = Set.of("java", "md", "proto", "sh", "xml");
    /** Build output and installed dependencies, wherever they are. */
    static final Set<String> SKIPPED_ANYWHERE = Set.of("target", "node_modules");
    /** What {@code .gitignore} lists at the root. */
    static final Set<String> SKIPPED_AT_ROOT = Set.of("bench-out", "work");
    /** Hidden directories that hold project files (CI scripts, the Maven wrapper). */
    static final Set<String> HIDDEN_KEPT = Set.of(".ci", ".github", ".mvn");

    /** A link to another site, text included (its text names the other project's file), or a bare URL. */
    static final Pattern URL = Pattern.compile("\\[[^\\]\\n]*\\]\\((?:https?|file)://[^)\\s]*\\)|\\b(?:https?|file)://[^\\s)>\\]`\"']+");
    /** A Java string that is just a file name ({@code "README.md"} in a list of files to copy) is no citation. */
    static final Pattern FILE_NAME_LITERAL = Pattern.compile("\"[\\w.-]+\\.md\"");
    /** Java text blocks and strings: in test sources they are fixtures (made-up documents), not citations. */
    static final Pattern JAVA_STRING = Pattern.compile("\"\"\"[\\s\\S]*?\"\"\"|\"(?:[^\"\\\\\\n]|\\\\.)*\"");
    /** A document name, optionally with a path, not the tail of a longer word or path. */
    static final Pattern CITATION = Pattern.compile("(?<![\\w./*-])((?:[\\w.-]+/)*[\\w-]+\\.md)(?![\\w-])");
    /** Section numbers after a citation ({@code onnx-graph.md} §1, §2, §8), across a line break too. */
    static final Pattern SECTIONS_AFTER = Pattern.compile("\\G[`}]*\\)?\\s*((?:§\\s*\\d+(?:\\.\\d+)*(?:\\s*,\\s*|\\s+and\\s+)?)+)");
    static final Pattern SECTION = Pattern.compile("§\\s*(\\d+(?:\\.\\d+)*)");
    static final Pattern HEADING = Pattern.compile("(?m)^#{1,6}\\s+(.+?)\\s*#*\\s*$");
    static final Pattern NUMBERED = Pattern.compile("^(\\d+(?:\\.\\d+)*)\\.?\\s");
    static final Pattern INLINE_LINK = Pattern.compile("\\]\\(([^()\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    static final Pattern REFERENCE_LINK = Pattern.compile("(?m)^\\s*\\[[^\\]]+\\]:\\s*(\\S+)");
    static final Pattern FENCE = Pattern.compile("(?ms)^\\s*```.*?^\\s*```");

    /** A document's file and the sections it numbers and the anchors its headings get. */
    record Doc(Path file, Set<String> sections, Set<String> anchors) {
    }

    /** What one pass over a repository found. */
    record Report(int files, int citations, Set<String> problems) {
    }

    @Test
    void everyCitedDocumentAndSectionExists() throws IOException {
        Report r = new Checker(ROOT).check();
        assertTrue(r.files() > 100, "the repository's sources were found under " + ROOT + ": " + r.files());
        assertTrue(r.citations() > 50, "citations were found: " + r.citations());
        assertTrue(r.problems().isEmpty(), r.problems().size() + " citation(s) of missing documents or sections:\n  "
                + String.join("\n  ", r.problems()));
    }

    /** The check itself finds each kind of broken citation, naming file and line. */
    @Test
    void brokenCitationsAreReportedWithFileAndLine(@TempDir Path tmp) throws IOException {
        Files.createDirectories(tmp.resolve("docs"));
        Files.createDirectories(tmp.resolve("a/src"));
        Files.createDirectories(tmp.resolve("b"));
        Files.writeString(tmp.resolve(fx("docs/spec%md")), "# Spec\n\n## 1. One\n\n### 1.2 Two\n\nSee §1.2 and §4.\n");
        Files.writeString(tmp.resolve(fx("a/BENCH%md")), "# A\n");
        Files.writeString(tmp.resolve(fx("b/BENCH%md")), "# B\n");
        Files.writeString(tmp.resolve("a/src/X.java"), String.join("\n",
                fx("/** {@code spec%md} §1.2 and {@code docs/spec%md} §3; {@code gone%md}."), // line 1: section 3 and the third file missing
                fx(" * {@code BENCH%md} is ambiguous, {@code a/BENCH%md} is not,"), // line 2
                fx(" * [x](https://example.org/elsewhere%md), \"README%md\" */"), // line 3: neither is a citation
                "class X {}"));
        Files.writeString(tmp.resolve(fx("README%md")), String.join("\n",
                "# Top", "", "## Usage", "",
                fx("[spec](docs/spec%md#1-one), [bad](docs/spec%md#usage), [own](#usage), [none](docs/none%md)"),
                fx("[dir](a/src), `docs/spec%md`."), "§1"));
        Report r = new Checker(tmp).check();
        assertEquals(Set.of(
                fx("README%md:5: links to docs/none%md, which does not exist"),
                fx("README%md:5: cites docs/none%md, which is neither next to the file nor under the repository root"),
                fx("README%md:5: links to docs/spec%md#usage, but docs/spec%md has no heading with the anchor #usage"),
                fx("README%md:7: refers to §1, which this document does not have (it has []; cite the other document by")
                        + " name before the §)",
                fx("a/src/X.java:1: cites docs/spec%md §3, but docs/spec%md has no section 3 (it has [1, 1.2])"),
                fx("a/src/X.java:1: cites gone%md, which is not in the repository"),
                fx("a/src/X.java:2: cites BENCH%md, which names [a/BENCH%md, b/BENCH%md]: give the path"),
                fx("docs/spec%md:7: refers to §4, which this document does not have (it has [1, 1.2]; cite the other")
                        + " document by name before the §)"), r.problems());
    }

    /**
     * Fixture text with {@code %md} for the markdown suffix, so that this file does not itself cite the made-up
     * documents (a citation scan would find them).
     */
    private static String fx(String text) {
        return text.replace("%md", ".md");
    }

    /** One pass over the repository under {@code root}. */
    record Checker(Path root) {

        Report check() throws IOException {
            List<Path> files = scannedFiles();
            Map<String, List<Path>> docsByName = new HashMap<>();
            for (Path f : files) {
                if (f.getFileName().toString().endsWith(".md")) {
                    docsByName.computeIfAbsent(f.getFileName().toString(), k -> new ArrayList<>()).add(f);
                }
            }
            Map<Path, Doc> docs = new HashMap<>();
            Set<String> problems = new TreeSet<>();
            int citations = 0;
            for (Path file : files) {
                String text = blankUrls(Files.readString(file));
                if (file.toString().endsWith(".java") && root.relativize(file).toString().contains("src/test/")) {
                    text = blank(text, JAVA_STRING);
                }
                List<int[]> cited = new ArrayList<>();
                Matcher m = CITATION.matcher(text);
                while (m.find()) {
                    citations++;
                    String name = m.group(1);
                    Optional<Path> target = resolve(file, name, docsByName, problems, where(file, text, m.start()));
                    Matcher s = SECTIONS_AFTER.matcher(text);
                    if (s.find(m.end()) && s.start() == m.end()) {
                        cited.add(new int[]{s.start(), s.end()});
                        if (target.isPresent()) {
                            checkSections(doc(target.get(), docs), s.group(1), name, where(file, text, s.start()), problems);
                        }
                    }
                }
                if (file.getFileName().toString().endsWith(".md")) {
                    checkOwnSections(file, text, cited, doc(file, docs), problems);
                    checkLinks(file, text, docs, problems);
                }
            }
            return new Report(files.size(), citations, problems);
        }

        /** The files the class comment lists, sorted. */
        List<Path> scannedFiles() throws IOException {
            List<Path> files = new ArrayList<>();
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
                    boolean skipped = !dir.equals(root) && (SKIPPED_ANYWHERE.contains(name)
                            || dir.getParent().equals(root) && SKIPPED_AT_ROOT.contains(name)
                            || name.startsWith(".") && !HIDDEN_KEPT.contains(name));
                    return skipped ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    // scripts under .ci have no extension
                    if (attrs.isRegularFile() && (SCANNED.contains(extension(file))
                            || file.getParent().getFileName().toString().equals(".ci"))) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            files.sort(null);
            return files;
        }

        private static String extension(Path p) {
            String n = p.getFileName().toString();
            int dot = n.lastIndexOf('.');
            return dot < 0 ? "" : n.substring(dot + 1);
        }

        /** URLs and file-name strings replaced by spaces, so that offsets (and line numbers) stay those of the file. */
        static String blankUrls(String text) {
            return blank(blank(text, URL), FILE_NAME_LITERAL);
        }

        /** What the pattern matches replaced by spaces, line breaks kept. */
        static String blank(String text, Pattern pattern) {
            Matcher m = pattern.matcher(text);
            StringBuilder sb = new StringBuilder(text);
            while (m.find()) {
                for (int i = m.start(); i < m.end(); i++) {
                    if (sb.charAt(i) != '\n') {
                        sb.setCharAt(i, ' ');
                    }
                }
            }
            return sb.toString();
        }

        String where(Path file, String text, int offset) {
            int line = 1;
            for (int i = 0; i < offset; i++) {
                if (text.charAt(i) == '\n') {
                    line++;
                }
            }
            return root.relativize(file) + ":" + line;
        }

        private Optional<Path> resolve(Path citing, String name, Map<String, List<Path>> docsByName,
                                              Set<String> problems, String where) {
            Path sibling = citing.getParent().resolve(name).normalize();
            if (Files.isRegularFile(sibling)) {
                return Optional.of(sibling);
            }
            if (name.contains("/")) {
                Path fromRoot = root.resolve(name).normalize();
                if (Files.isRegularFile(fromRoot)) {
                    return Optional.of(fromRoot);
                }
                problems.add(where + ": cites " + name + ", which is neither next to the file nor under the repository root");
                return Optional.empty();
            }
            List<Path> candidates = docsByName.getOrDefault(name, List.of());
            if (candidates.size() == 1) {
                return Optional.of(candidates.getFirst());
            }
            problems.add(where + ": cites " + name + ", " + (candidates.isEmpty() ? "which is not in the repository"
                    : "which names " + candidates.stream().map(p -> root.relativize(p).toString()).toList()
                            + ": give the path"));
            return Optional.empty();
        }

        private void checkSections(Doc doc, String sections, String cited, String where, Set<String> problems) {
            Matcher n = SECTION.matcher(sections);
            while (n.find()) {
                if (!doc.sections().contains(n.group(1))) {
                    problems.add(where + ": cites " + cited + " §" + n.group(1) + ", but " + root.relativize(doc.file())
                            + " has no section " + n.group(1) + " (it has " + doc.sections() + ")");
                }
            }
        }

        /** In a markdown file, a {@code §N} that follows no citation is a section of the file itself. */
        private void checkOwnSections(Path file, String text, List<int[]> cited, Doc own, Set<String> problems) {
            Matcher n = SECTION.matcher(text);
            while (n.find()) {
                int at = n.start();
                if (cited.stream().anyMatch(r -> at >= r[0] && at < r[1])) {
                    continue;
                }
                if (!own.sections().contains(n.group(1))) {
                    problems.add(where(file, text, at) + ": refers to §" + n.group(1) + ", which this document does not have"
                            + " (it has " + own.sections() + "; cite the other document by name before the §)");
                }
            }
        }

        private void checkLinks(Path file, String text, Map<Path, Doc> docs, Set<String> problems) {
            String outsideFences = blank(text, FENCE);
            for (Pattern p : List.of(INLINE_LINK, REFERENCE_LINK)) {
                Matcher m = p.matcher(outsideFences);
                while (m.find()) {
                    String target = m.group(1).strip();
                    if (target.isEmpty() || target.startsWith("mailto:") || target.matches("^[a-z]+:.*")
                            || target.startsWith("<")) {
                        continue;
                    }
                    int hash = target.indexOf('#');
                    String path = hash < 0 ? target : target.substring(0, hash);
                    String anchor = hash < 0 ? null : target.substring(hash + 1);
                    Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
                    String where = where(file, text, m.start(1));
                    if (!Files.exists(resolved)) {
                        problems.add(where + ": links to " + path + ", which does not exist");
                    } else if (anchor != null && resolved.toString().endsWith(".md")
                            && !doc(resolved, docs).anchors().contains(anchor)) {
                        problems.add(where + ": links to " + target + ", but " + root.relativize(resolved)
                                + " has no heading with the anchor #" + anchor);
                    }
                }
            }
        }

        private static Doc doc(Path file, Map<Path, Doc> docs) {
            return docs.computeIfAbsent(file, f -> {
                try {
                    return parse(f, Files.readString(f));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        /** The numbered sections ({@code ## 3.}, {@code ### 3.1}) and the GitHub anchors of a document's headings. */
        static Doc parse(Path file, String text) {
            Set<String> sections = new TreeSet<>();
            Set<String> anchors = new TreeSet<>();
            Map<String, Integer> seen = new HashMap<>();
            Matcher h = HEADING.matcher(blank(text, FENCE));
            while (h.find()) {
                String title = h.group(1);
                Matcher n = NUMBERED.matcher(title);
                if (n.find()) {
                    sections.add(n.group(1));
                }
                String slug = slug(title);
                int count = seen.merge(slug, 1, Integer::sum);
                anchors.add(count == 1 ? slug : slug + "-" + (count - 1));
            }
            return new Doc(file, sections, anchors);
        }

        /** GitHub's heading anchor: lower case, punctuation other than {@code -} and {@code _} dropped, spaces as {@code -}. */
        static String slug(String title) {
            String plain = title.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
            StringBuilder sb = new StringBuilder();
            plain.codePoints().forEach(c -> {
                if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                    sb.appendCodePoint(c);
                } else if (c == ' ') {
                    sb.append('-');
                }
            });
            return sb.toString();
        }
    }
}
