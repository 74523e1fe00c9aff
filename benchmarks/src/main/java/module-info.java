/**
 * JMH benchmarks of dream4j. Not a library: nothing is exported, nothing depends on it, and it is run on the class
 * path by {@code benchmarks/run.sh} (JMH forks benchmark JVMs with {@code -cp}). The GEMM benchmark reaches the
 * java-cpu kernels through {@code dev.dream4j.backend.cpu.Kernels}, the backend's benchmark entry point, which the
 * plug-in does not export; see this module's pom for the one compile-time {@code --add-exports}. {@code CpuBench} is a
 * plain main over the same kernels (GEMM against numpy, small-M bandwidth, one forward over a checkpoint directory).
 */
module dev.dream4j.benchmarks {
    requires dev.dream4j.api;
    requires dev.dream4j.spi;
    requires dev.dream4j.backend.cpu;
    requires dev.dream4j.demo;
    requires dev.dream4j.tools;
    requires jmh.core;
    requires jdk.management;

    uses dev.dream4j.spi.sampling.SamplerProvider;
}
