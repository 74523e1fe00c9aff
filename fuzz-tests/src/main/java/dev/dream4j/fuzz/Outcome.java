package dev.dream4j.fuzz;

/** How one fuzz case ended. */
public enum Outcome {
    /** Accepted: no error. */
    OK,
    /** A {@code Dream4jException} subclass: the contract. */
    TYPED,
    /** Any other exception: a bug. */
    UNTYPED,
    /** Did not finish within the watchdog's time: a bug (an unbounded loop). */
    HANG,
    /** An Error (out of memory, stack overflow): a bug. */
    CRASH
}
