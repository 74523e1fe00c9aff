/** ONNX Runtime backend (CUDA execution provider, CPU fallback). */
module dev.dream4j.backend.onnx {
    requires dev.dream4j.spi;
    requires org.slf4j;
}
