/** Holds only tests: the architecture rules of dream4j. */
module dev.dream4j.architecture {
}
