/**
 * LangChain4j models backed by dream4j. LangChain4j 1.x jars carry neither a {@code module-info} nor an
 * {@code Automatic-Module-Name}, so on the module path {@code langchain4j-core-1.19.0.jar} is the automatic module
 * {@code langchain4j.core} (the name Java derives from the file name; keep the file name when copying it). On the
 * class path nothing of this matters.
 */
module dev.dream4j.langchain4j {
    requires transitive dev.dream4j.api;
    requires transitive langchain4j.core;
    requires org.slf4j;

    exports dev.dream4j.langchain4j;
}
