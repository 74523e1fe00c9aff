package dev.dream4j.backend.onnx;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.dream4j.api.BackendException;
import dev.dream4j.spi.backend.BackendOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/** Session options from {@link BackendOptions}: threads, optimisation level, execution provider. */
final class OnnxSessions {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxSessions.class);

    /** {@code BackendOptions.properties()} key: {@code all} (default), {@code extended}, {@code basic}, {@code none}. */
    static final String OPTIMIZATION = "onnx.optimization";

    private OnnxSessions() {
    }

    /**
     * Options for {@code device}. A CUDA device asked by name that cannot be attached is an error naming the
     * missing library; {@code auto} falls back to CPU with one log line saying why.
     */
    static OrtSession.SessionOptions options(BackendOptions options, OnnxDevice.Resolved device) throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setIntraOpNumThreads(options.threadsOrAvailable());
            so.setOptimizationLevel(level(options.properties().getOrDefault(OPTIMIZATION, "all")));
            if (device.cuda()) {
                try {
                    so.addCUDA(device.cudaDevice());
                } catch (OrtException | RuntimeException e) {
                    if (device.strict()) {
                        throw new BackendException("device cuda:" + device.cudaDevice() + " could not be attached: "
                                + e.getMessage() + " (the CUDA provider needs libcudart.so.12, libcublas.so.12 and libcudnn.so.9 on the library path)", e);
                    }
                    LOG.warn("device auto: using CPU because the CUDA execution provider could not be attached: {}", e.getMessage());
                    so.close();
                    return options(options, OnnxDevice.Resolved.CPU);
                }
            } else if (options.device().map(d -> d.trim().equalsIgnoreCase("auto")).orElse(false)) {
                LOG.info("device auto: using CPU because {}", OnnxDevice.MISSING_CUDA);
            }
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    static OrtSession.SessionOptions.OptLevel level(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "all" -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            default -> throw new BackendException("unknown " + OPTIMIZATION + " '" + name + "': use all, extended, basic or none");
        };
    }
}
