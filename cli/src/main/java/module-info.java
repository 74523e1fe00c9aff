/** The dream4j command: reaches the runtime only through the API (and the tools module's developer commands). */
module dev.dream4j.cli {
    requires dev.dream4j.api;
    requires dev.dream4j.demo;
    requires dev.dream4j.server;
    requires dev.dream4j.tools;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.net.http;
    requires java.management;

    opens dev.dream4j.cli to info.picocli;
}
