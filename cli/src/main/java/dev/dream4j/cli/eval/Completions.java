package dev.dream4j.cli.eval;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a model's raw text into the code that is run, the way the public HumanEval/MBPP harnesses do. */
public final class Completions {
    /** HumanEval's stop sequences (Codex paper): the function body ends where top-level code begins. */
    static final List<String> HUMANEVAL_STOPS = List.of("\nclass", "\ndef", "\n#", "\n@", "\nprint", "\nif", "\n```");
    /** MBPP completions are whole programs: they end before test code or a closing fence. */
    static final List<String> MBPP_STOPS = List.of("\nassert", "\nif __name__", "\n```");
    private static final Pattern FENCE = Pattern.compile("```(?:[Pp]ython3?|py)?[ \\t]*\\n(.*?)(?:```|\\z)", Pattern.DOTALL);

    private Completions() {
    }

    /**
     * The code of a plain completion (the prompt was given as it is, the text continues it): cut at the first stop
     * sequence of the problem's format.
     */
    public static String plain(Problem problem, String text) {
        List<String> stops = problem.format() == Problem.Format.HUMANEVAL ? HUMANEVAL_STOPS : MBPP_STOPS;
        int cut = text.length();
        for (String s : stops) {
            int i = text.indexOf(s);
            if (i >= 0 && i < cut) {
                cut = i;
            }
        }
        return text.substring(0, cut);
    }

    /**
     * The code of a chat answer: the first fenced code block when there is one, else the whole answer. For HumanEval
     * it is run after the prompt, starting on a new line, so a restated function replaces the prompt's stub.
     */
    public static String chat(Problem problem, String text) {
        Matcher m = FENCE.matcher(text);
        String code = m.find() ? m.group(1) : text;
        return problem.format() == Problem.Format.HUMANEVAL ? "\n" + code : code;
    }

    /** The user message of chat mode. */
    public static String chatMessage(Problem problem) {
        return problem.format() == Problem.Format.HUMANEVAL
                ? "Complete the following Python function:\n```python\n" + problem.prompt() + "```"
                : problem.prompt();
    }
}
