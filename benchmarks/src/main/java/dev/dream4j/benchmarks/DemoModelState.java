package dev.dream4j.benchmarks;

import dev.dream4j.Dream4j;
import dev.dream4j.api.DiffusionLM;
import dev.dream4j.demo.DemoModel;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A model loaded once per trial through the public entry point: the bundled demo checkpoint by default, or any
 * checkpoint directory with {@code -p model=/models/Dream-Coder-v0-Instruct-7B}; {@code -p backend=java-cpu,onnx}
 * compares the backends on the same canvas.
 */
@State(Scope.Benchmark)
public class DemoModelState {
    /** {@code demo} or a checkpoint directory. */
    @Param("demo")
    public String model;

    /** The backend plug-in: {@code java-cpu} or {@code onnx} (ONNX Runtime, CPU or CUDA). */
    @Param("java-cpu")
    public String backend;

    /** Backend threads; 0 = every core. */
    @Param("0")
    public int threads;

    DiffusionLM lm;

    @Setup(Level.Trial)
    public void open() {
        Dream4j.Builder b = Dream4j.builder().backend(backend)
                .model(DemoModel.NAME.equals(model) ? DemoModel.directory() : java.nio.file.Path.of(model));
        if (threads > 0) {
            b.threads(threads);
        }
        lm = b.build();
    }

    @TearDown(Level.Trial)
    public void close() {
        lm.close();
    }
}
