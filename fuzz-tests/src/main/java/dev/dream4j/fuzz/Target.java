package dev.dream4j.fuzz;

/** One kind of fuzzed input and the public API it goes through. */
public interface Target {
    /** One generated input. */
    interface Case {
        /** The input, printable, for a reproducer. */
        String describe();
    }

    String name();

    /** Draws a case from {@code m}'s random stream (deterministic per stream). */
    Case generate(Mutator m);

    /** Feeds the case through the public API; throws what the API throws. */
    void run(Case c) throws Exception;
}
