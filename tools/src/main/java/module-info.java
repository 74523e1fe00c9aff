/**
 * Commands for developers that need more than the API: they write checkpoints with checkpoint-io. The dream4j
 * command adds them as subcommands; the CLI itself reaches the kernel only through the API.
 */
module dev.dream4j.tools {
    requires dev.dream4j.api;
    requires dev.dream4j.checkpoint;
    requires jdk.incubator.vector; // ArithmeticPeak: the fp32 FMA rate the backend's kernels can reach
    requires info.picocli;

    exports dev.dream4j.tools;
    opens dev.dream4j.tools to info.picocli;
}
