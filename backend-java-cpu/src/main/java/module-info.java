/** Pure-Java transformer backend. */
module dev.dream4j.backend.cpu {
    requires dev.dream4j.spi;
    requires jdk.incubator.vector;
    requires org.slf4j;
    requires jdk.management;
    // the benchmark (package ...bench) opens checkpoint directories; the backend itself never needs it
    requires static dev.dream4j.checkpoint;

    exports dev.dream4j.backend.cpu.bench;

    uses dev.dream4j.spi.model.ModelFamily;

    provides dev.dream4j.spi.backend.BackendProvider with dev.dream4j.backend.cpu.JavaCpuBackendProvider;
    provides dev.dream4j.spi.backend.ExporterProvider with dev.dream4j.backend.cpu.QuantizedExporterProvider;
}
