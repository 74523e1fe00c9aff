package dev.dream4j.backend.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import dev.dream4j.api.BackendException;

import java.util.Locale;

/** Parses {@code BackendOptions.device()} ({@code cpu}, {@code cuda}, {@code cuda:N}, {@code auto}). */
final class OnnxDevice {

    /** What the user asked for. */
    enum Kind { CPU, CUDA, AUTO }

    /** A parsed request. */
    record Request(Kind kind, int cudaDevice) {
    }

    /** Where the session runs: CPU, or CUDA device {@code cudaDevice}; {@code strict} = CUDA was asked by name. */
    record Resolved(boolean cuda, int cudaDevice, boolean strict) {
        static final Resolved CPU = new Resolved(false, 0, false);

        @Override
        public String toString() {
            return cuda ? "cuda:" + cudaDevice : "cpu";
        }
    }

    static final String MISSING_CUDA = "the ONNX Runtime on the class path has no CUDA execution provider "
            + "(libonnxruntime_providers_cuda.so is not bundled; this is the CPU build com.microsoft.onnxruntime:onnxruntime): "
            + "depend on com.microsoft.onnxruntime:onnxruntime_gpu instead (build dream4j with -Pcuda) and install CUDA 12 and cuDNN 9";

    private OnnxDevice() {
    }

    /** Parses without touching native code. */
    static Request parse(String device) {
        String d = device == null ? "cpu" : device.trim().toLowerCase(Locale.ROOT);
        if (d.isEmpty() || d.equals("cpu")) {
            return new Request(Kind.CPU, 0);
        }
        if (d.equals("auto")) {
            return new Request(Kind.AUTO, 0);
        }
        if (d.equals("cuda")) {
            return new Request(Kind.CUDA, 0);
        }
        if (d.startsWith("cuda:")) {
            try {
                int n = Integer.parseInt(d.substring(5));
                if (n >= 0) {
                    return new Request(Kind.CUDA, n);
                }
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw new BackendException("unknown device '" + device + "' for the onnx backend: use cpu, cuda, cuda:N or auto");
    }

    /** Parses and checks that the ORT build has the CUDA provider (this loads ONNX Runtime's native library). */
    static Resolved resolve(String device) {
        Request r = parse(device);
        return switch (r.kind()) {
            case CPU -> Resolved.CPU;
            case CUDA -> {
                if (!cudaProviderPresent()) {
                    throw new BackendException("device '" + device + "' is not available: " + MISSING_CUDA);
                }
                yield new Resolved(true, r.cudaDevice(), true);
            }
            case AUTO -> cudaProviderPresent() ? new Resolved(true, 0, false) : Resolved.CPU;
        };
    }

    static boolean cudaProviderPresent() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }
}
