package dev.dream4j.cli.eval;

import java.util.Objects;

/**
 * One code problem, normalised from HumanEval or MBPP.
 *
 * @param taskId     the dataset's id ({@code HumanEval/0}, {@code 11})
 * @param prompt     what the model is given
 * @param format     how a completion becomes a program
 * @param tests      Python that checks the program: HumanEval's {@code check(candidate)} function, or MBPP's asserts
 * @param entryPoint the function under test (HumanEval; MBPP: empty)
 * @param line       the 1-based line of the dataset it came from
 */
public record Problem(String taskId, String prompt, Format format, String tests, String entryPoint, int line) {

    /** The two dataset layouts. */
    public enum Format {
        /** {@code prompt} is a function header and docstring; the completion is its body. */
        HUMANEVAL,
        /** {@code text} describes the task; the completion is a whole program. */
        MBPP
    }

    public Problem {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(tests, "tests");
        Objects.requireNonNull(entryPoint, "entryPoint");
    }

    /**
     * The program run for {@code completion}. HumanEval: prompt + completion (the body), then the tests and
     * {@code check(entry_point)}; a chat answer that restates the whole function simply redefines it. MBPP: the
     * completion, then the asserts.
     */
    public String program(String completion) {
        return switch (format) {
            case HUMANEVAL -> prompt + completion + "\n\n" + tests + "\n\ncheck(" + entryPoint + ")\n";
            case MBPP -> completion + "\n\n" + tests + "\n";
        };
    }
}
