/** ONNX Runtime backend (CUDA execution provider, CPU fallback), the Java ONNX graph writer and the exporter. */
module dev.dream4j.backend.onnx {
    requires dev.dream4j.spi;
    requires dev.dream4j.checkpoint;
    requires com.microsoft.onnxruntime;
    requires org.slf4j;

    exports dev.dream4j.backend.onnx;
    exports dev.dream4j.backend.onnx.graph;

    uses dev.dream4j.spi.model.ModelFamily;

    provides dev.dream4j.spi.backend.BackendProvider with dev.dream4j.backend.onnx.OnnxBackendProvider;
    provides dev.dream4j.spi.backend.ExporterProvider with dev.dream4j.backend.onnx.OnnxExporterProvider;
}
