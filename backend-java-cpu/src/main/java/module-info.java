/** Pure-Java transformer backend. Found through ServiceLoader; exports nothing (its benchmark lives in benchmarks). */
module dev.dream4j.backend.cpu {
    requires dev.dream4j.spi;
    requires jdk.incubator.vector;
    requires org.slf4j;

    provides dev.dream4j.spi.backend.BackendProvider with dev.dream4j.backend.cpu.JavaCpuBackendProvider;
    provides dev.dream4j.spi.backend.ExporterProvider with dev.dream4j.backend.cpu.QuantizedExporterProvider;
}
