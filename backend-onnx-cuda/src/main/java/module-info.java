/**
 * ONNX Runtime backend (CUDA execution provider, CPU fallback), the Java ONNX graph writer and the exporter. Found
 * through ServiceLoader; exports nothing.
 */
module dev.dream4j.backend.onnx {
    requires dev.dream4j.spi;
    requires dev.dream4j.checkpoint;
    requires com.microsoft.onnxruntime;
    requires org.slf4j;

    uses dev.dream4j.spi.model.ModelFamily;

    provides dev.dream4j.spi.backend.BackendProvider with dev.dream4j.backend.onnx.OnnxBackendProvider;
    provides dev.dream4j.spi.backend.ExporterProvider with dev.dream4j.backend.onnx.OnnxExporterProvider;
}
