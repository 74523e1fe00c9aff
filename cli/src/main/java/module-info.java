/** The dream4j command. */
module dev.dream4j.cli {
    requires dev.dream4j.kernel;
    requires dev.dream4j.demo;
    requires dev.dream4j.server;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires java.net.http;
    requires java.management;

    opens dev.dream4j.cli to info.picocli;
}
