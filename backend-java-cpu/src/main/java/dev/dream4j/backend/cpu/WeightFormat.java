package dev.dream4j.backend.cpu;

import dev.dream4j.api.BackendException;
import dev.dream4j.spi.model.DType;

import java.util.Locale;

/**
 * How the java-cpu backend holds a projection matrix: as stored in the checkpoint, or block-quantized
 * (format: {@code QUANTIZATION.md}). Blocks are {@link #BLOCK} consecutive weights of one row with one fp16 scale.
 */
enum WeightFormat {
    /** Whatever the checkpoint holds: bf16/f16/f32 read in place, or an already quantized tensor. */
    AS_STORED("native", null),
    /** 32 int8 values and one fp16 scale per block (8.5 bits per weight), like GGML's Q8_0. */
    Q8_0("q8_0", DType.I8),
    /** 32 4-bit values (offset 8) and one fp16 scale per block (4.5 bits per weight), like GGML's Q4_0. */
    Q4_0("q4_0", DType.U8);

    static final int BLOCK = 32;
    /** {@code BackendOptions.properties()} key selecting quantize-on-load for float tensors. */
    static final String OPTION = "cpu.weights";
    /** Suffix of a quantized tensor's scale tensor ({@code q_proj.weight} → {@code q_proj.weight_scale}). */
    static final String SCALE_SUFFIX = "_scale";

    private final String label;
    private final DType storage;

    WeightFormat(String label, DType storage) {
        this.label = label;
        this.storage = storage;
    }

    String label() {
        return label;
    }

    /**
     * The format for the LM head: q4_0 keeps it at q8_0. The LM head decides the argmax directly and is the matrix
     * with the largest q4 error; llama.cpp's Q4_0 files likewise keep {@code output.weight} at a higher precision
     * (Q6_K). It is one matrix of many (about 0.55 GB more than q4 for a 7B vocabulary, but read only for the rows
     * a step asks logits for).
     */
    WeightFormat forLmHead() {
        return this == Q4_0 ? Q8_0 : this;
    }

    /** The safetensors dtype of the quantized values, or {@code null} for {@link #AS_STORED}. */
    DType storage() {
        return storage;
    }

    /** Bytes of quantized values per row of {@code cols} weights (the last block padded with zeros). */
    long rowBytes(long cols) {
        long blocks = blocks(cols);
        return this == Q4_0 ? blocks * (BLOCK / 2) : blocks * BLOCK;
    }

    static long blocks(long cols) {
        return (cols + BLOCK - 1) / BLOCK;
    }

    /** The format whose values are stored as {@code dtype}, or {@code null} when it is a float type. */
    static WeightFormat ofStorage(DType dtype) {
        for (WeightFormat f : values()) {
            if (f.storage == dtype) {
                return f;
            }
        }
        return null;
    }

    /** Parses an option value: {@code native} (default), {@code q8_0} or {@code q4_0}. */
    static WeightFormat parse(String value) {
        String v = value == null ? "native" : value.trim().toLowerCase(Locale.ROOT);
        for (WeightFormat f : values()) {
            if (f.label.equals(v)) {
                return f;
            }
        }
        throw new BackendException("unknown " + OPTION + " '" + value + "': use native, q8_0 or q4_0");
    }
}
