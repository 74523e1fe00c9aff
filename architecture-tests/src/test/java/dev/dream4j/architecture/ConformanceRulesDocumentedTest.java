package dev.dream4j.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code conformance-tests/RULES.md} is the index of the conformance rules: a failure message {@code [B6] ...} sends
 * the plug-in author there. So every rule the suites implement (a test method {@code rule_<id>_...} or an assertion
 * message {@code "[<id>] ..."}) has a row in RULES.md, every row is a rule the suites implement, every test method
 * named in RULES.md or {@code docs/writing-a-plugin.md} exists, and every rule range given for a suite there (such
 * as {@code `BackendConformance` (B0-B16)}) is exactly that suite's rules.
 */
class ConformanceRulesDocumentedTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path SUITES = ROOT.resolve("conformance-tests/src/main/java/dev/dream4j/conformance");
    static final Path RULES = ROOT.resolve("conformance-tests/RULES.md");
    static final Path GUIDE = ROOT.resolve("docs/writing-a-plugin.md");

    static final Pattern METHOD = Pattern.compile("void (rule_([A-Z]+\\d+)_\\w*)\\s*\\(");
    static final Pattern MESSAGE_ID = Pattern.compile("\"\\[([A-Z]+\\d+)\\]");
    /** A table row whose first or second cell is a rule id: {@code | S3 | ...} or {@code | `S` | S3 | ...}. */
    static final Pattern ROW = Pattern.compile("(?m)^\\|\\s*([A-Z]+\\d+)\\s*\\|");
    static final Pattern NAMED_METHOD = Pattern.compile("\\brule_[A-Z]+\\d+_\\w*");
    /** A suite and the range of its rules on one line: {@code `SamplerConformance` (+ ...) | S0-S10} or {@code (B0-B16)}. */
    static final Pattern RANGE = Pattern.compile("`(\\w+Conformance)`[^\\n]*?[(|]\\s*([A-Z]+)(\\d+)-\\2(\\d+)\\s*[)|]");

    /** The rule ids each suite implements (by class name), and the test method names. */
    record Suites(Map<String, Set<String>> idsBySuite, Set<String> methodIds, Set<String> methods) {
        Set<String> allIds() {
            Set<String> all = new TreeSet<>();
            idsBySuite.values().forEach(all::addAll);
            return all;
        }
    }

    static Suites suites() throws IOException {
        Map<String, Set<String>> bySuite = new TreeMap<>();
        Set<String> methodIds = new TreeSet<>();
        Set<String> methods = new TreeSet<>();
        try (Stream<Path> files = Files.list(SUITES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
                String suite = f.getFileName().toString().replace(".java", "");
                String code = Files.readString(f);
                Set<String> ids = new TreeSet<>();
                Matcher m = METHOD.matcher(code);
                while (m.find()) {
                    methods.add(m.group(1));
                    methodIds.add(m.group(2));
                    ids.add(m.group(2));
                }
                Matcher msg = MESSAGE_ID.matcher(code);
                while (msg.find()) {
                    ids.add(msg.group(1));
                }
                if (!ids.isEmpty()) {
                    bySuite.put(suite, ids);
                }
            }
        }
        return new Suites(bySuite, methodIds, methods);
    }

    static Set<String> documentedIds() throws IOException {
        Set<String> ids = new TreeSet<>();
        Matcher m = ROW.matcher(Files.readString(RULES));
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    @Test
    void everyRuleTheSuitesImplementHasARowInRulesMd() throws IOException {
        Suites s = suites();
        assertTrue(s.idsBySuite().keySet().containsAll(List.of("BackendConformance", "SamplerConformance",
                "TokenizerConformance", "InfillConformance", "ModelFamilyConformance")), "suites found: " + s.idsBySuite().keySet());
        Set<String> missing = new TreeSet<>(s.allIds());
        missing.removeAll(documentedIds());
        assertTrue(missing.isEmpty(), "rules the conformance suites implement but conformance-tests/RULES.md does not"
                + " document (add a row '| id | ... |'): " + missing);
    }

    @Test
    void everyRowOfRulesMdIsARuleTheSuitesImplement() throws IOException {
        Set<String> stale = new TreeSet<>(documentedIds());
        stale.removeAll(suites().methodIds());
        assertTrue(stale.isEmpty(), "conformance-tests/RULES.md documents rules no suite has a rule_<id>_ test for: " + stale);
    }

    @Test
    void everyTestMethodTheDocsNameExists() throws IOException {
        Set<String> methods = suites().methods();
        List<String> unknown = new ArrayList<>();
        for (Path doc : List.of(RULES, GUIDE)) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = NAMED_METHOD.matcher(lines.get(i));
                while (m.find()) {
                    if (!methods.contains(m.group()) && !m.group().endsWith("_")) {
                        unknown.add(ROOT.relativize(doc) + ":" + (i + 1) + ": " + m.group());
                    }
                }
            }
        }
        assertTrue(unknown.isEmpty(), "test methods named in the docs that no suite has: " + unknown);
    }

    @Test
    void everySuiteRangeInTheDocsIsExactlyTheSuitesRules() throws IOException {
        Map<String, Set<String>> bySuite = suites().idsBySuite();
        List<String> wrong = new ArrayList<>();
        int ranges = 0;
        for (Path doc : List.of(RULES, GUIDE)) {
            List<String> lines = Files.readAllLines(doc);
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = RANGE.matcher(lines.get(i));
                while (m.find()) {
                    ranges++;
                    Set<String> ids = bySuite.getOrDefault(m.group(1), Set.of());
                    Set<String> range = new TreeSet<>();
                    for (int n = Integer.parseInt(m.group(3)); n <= Integer.parseInt(m.group(4)); n++) {
                        range.add(m.group(2) + n);
                    }
                    if (!range.equals(ids)) {
                        wrong.add(ROOT.relativize(doc) + ":" + (i + 1) + ": " + m.group(1) + " " + m.group(2) + m.group(3)
                                + "-" + m.group(2) + m.group(4) + ", but the suite implements " + ids);
                    }
                }
            }
        }
        assertTrue(ranges >= 8, "suite ranges were found in RULES.md and writing-a-plugin.md: " + ranges);
        assertTrue(wrong.isEmpty(), "rule ranges that do not match the suites: " + wrong);
    }
}
