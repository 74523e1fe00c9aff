package dev.dream4j.cli.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads a JSON Lines file of code problems in either public layout, one object per line (blank lines skipped):
 * <ul>
 *   <li>HumanEval ({@code HumanEval.jsonl}): {@code task_id}, {@code prompt}, {@code test} (defining
 *       {@code check(candidate)}), {@code entry_point}; {@code canonical_solution} is ignored;</li>
 *   <li>MBPP ({@code mbpp.jsonl}, sanitized or full): {@code task_id}, {@code text} or {@code prompt},
 *       {@code test_list} (assert lines), optional {@code test_setup_code} and {@code test_imports}. The asserts are
 *       appended to the prompt, as in the MBPP paper, so the model sees the function's name.</li>
 * </ul>
 * A line that is not JSON, misses a field or repeats a task id fails with a {@link DatasetException} naming the line.
 */
public final class Dataset {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Dataset() {
    }

    public static List<Problem> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new DatasetException(file, 0, "not UTF-8 text");
        } catch (IOException e) {
            throw new DatasetException(file, 0, "cannot read: " + e.getMessage());
        }
        List<Problem> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String text = lines.get(i).strip();
            if (text.isEmpty()) {
                continue;
            }
            Problem p = parse(file, i + 1, text);
            if (!ids.add(p.taskId())) {
                throw new DatasetException(file, i + 1, "task_id '" + p.taskId() + "' appears twice");
            }
            problems.add(p);
        }
        if (problems.isEmpty()) {
            throw new DatasetException(file, 0, "no problems (an empty file)");
        }
        return problems;
    }

    static Problem parse(Path file, int line, String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new DatasetException(file, line, "not a JSON object: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new DatasetException(file, line, "not a JSON object");
        }
        JsonNode idNode = node.get("task_id");
        if (idNode == null || !(idNode.isTextual() || idNode.isNumber())) {
            throw new DatasetException(file, line, "missing field 'task_id' (a string or number)");
        }
        String id = idNode.asText();
        if (node.has("test_list")) {
            JsonNode list = node.get("test_list");
            if (!list.isArray() || list.isEmpty()) {
                throw new DatasetException(file, line, "task " + id + ": 'test_list' must be a non-empty array of assert lines");
            }
            List<String> asserts = new ArrayList<>();
            for (JsonNode a : list) {
                if (!a.isTextual()) {
                    throw new DatasetException(file, line, "task " + id + ": 'test_list' holds a non-string " + a);
                }
                asserts.add(a.asText());
            }
            String description = node.has("text") ? string(file, line, id, node, "text") : string(file, line, id, node, "prompt");
            String setup = optional(file, line, id, node, "test_setup_code");
            StringBuilder imp = new StringBuilder();
            if (node.has("test_imports") && node.get("test_imports").isArray()) {
                node.get("test_imports").forEach(n -> imp.append(n.asText()).append('\n'));
            }
            String prompt = description + "\nYour code should pass these tests:\n\n" + String.join("\n", asserts) + "\n";
            String tests = imp + setup + (setup.isEmpty() ? "" : "\n") + String.join("\n", asserts);
            return new Problem(id, prompt, Problem.Format.MBPP, tests, "", line);
        }
        String prompt = string(file, line, id, node, "prompt");
        String test = string(file, line, id, node, "test");
        String entry = string(file, line, id, node, "entry_point");
        if (!entry.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new DatasetException(file, line, "task " + id + ": 'entry_point' is not a Python name: " + entry);
        }
        if (!test.contains("def check(")) {
            throw new DatasetException(file, line, "task " + id + ": 'test' must define check(candidate) (HumanEval layout)");
        }
        return new Problem(id, prompt, Problem.Format.HUMANEVAL, test, entry, line);
    }

    private static String string(Path file, int line, String id, JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new DatasetException(file, line, "task " + id + ": missing string field '" + field
                    + "' (HumanEval needs prompt, test, entry_point; MBPP needs text and test_list)");
        }
        return v.asText();
    }

    private static String optional(Path file, int line, String id, JsonNode node, String field) {
        return node.has(field) && !node.get(field).isNull() ? string(file, line, id, node, field) : "";
    }
}
