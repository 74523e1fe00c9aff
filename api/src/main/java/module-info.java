/** What applications call. Knows no other dream4j module. */
module dev.dream4j.api {
    exports dev.dream4j.api;
}
