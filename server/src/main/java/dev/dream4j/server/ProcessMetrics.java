package dev.dream4j.server;

import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** JVM and process metrics in the names Prometheus' own client libraries use, so stock dashboards read them. */
final class ProcessMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMetrics() {
    }

    static void render(StringBuilder sb) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            Metrics.counterSeconds(sb, "process_cpu_seconds_total", "CPU time of the process (user and system).", sun.getProcessCpuTime() / 1e9);
        }
        long rss = residentBytes();
        if (rss >= 0) {
            Metrics.gauge(sb, "process_resident_memory_bytes", "Resident set size of the process.", rss);
        }
        Metrics.gauge(sb, "process_start_time_seconds", "When the process started, in seconds since the epoch.",
                ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        MemoryUsage nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage();
        Metrics.header(sb, "jvm_memory_used_bytes", "gauge", "Used bytes of a JVM memory area.");
        sb.append("jvm_memory_used_bytes{area=\"heap\"} ").append(heap.getUsed()).append('\n');
        sb.append("jvm_memory_used_bytes{area=\"nonheap\"} ").append(nonHeap.getUsed()).append('\n');
        Metrics.gauge(sb, "jvm_memory_max_bytes", "The largest heap the JVM may use.", Math.max(-1, heap.getMax()));
        Metrics.gauge(sb, "jvm_threads_live_threads", "Live JVM threads.", ManagementFactory.getThreadMXBean().getThreadCount());
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        Metrics.header(sb, "jvm_gc_collection_seconds", "summary", "Time spent in a given JVM garbage collector.");
        for (GarbageCollectorMXBean gc : gcs) {
            String name = gc.getName().replace("\\", "\\\\").replace("\"", "\\\"");
            sb.append("jvm_gc_collection_seconds_count{gc=\"").append(name).append("\"} ").append(Math.max(0, gc.getCollectionCount())).append('\n');
            sb.append("jvm_gc_collection_seconds_sum{gc=\"").append(name).append("\"} ").append(Math.max(0, gc.getCollectionTime()) / 1000.0).append('\n');
        }
    }

    /** VmRSS from /proc/self/status, or -1 where the platform has no /proc. */
    private static long residentBytes() {
        if (!Files.isReadable(STATUS)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
