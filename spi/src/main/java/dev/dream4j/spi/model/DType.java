package dev.dream4j.spi.model;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Element types of checkpoint tensors. {@link #I8} and {@link #U8} hold block-quantized weights (see the java-cpu
 * backend's {@code QUANTIZATION.md}); {@link #read} gives their raw integer values.
 */
public enum DType {
    BF16(2, "BF16"), F16(2, "F16"), F32(4, "F32"), I8(1, "I8"), U8(1, "U8");

    private static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int byteSize;
    private final String safetensorsName;

    DType(int byteSize, String safetensorsName) {
        this.byteSize = byteSize;
        this.safetensorsName = safetensorsName;
    }

    /** Whether values are floating point (the types a model's weights can be stored in unquantized). */
    public boolean isFloat() {
        return this == BF16 || this == F16 || this == F32;
    }

    public int byteSize() {
        return byteSize;
    }

    /** The spelling in a safetensors header. */
    public String safetensorsName() {
        return safetensorsName;
    }

    public static Optional<DType> fromSafetensors(String name) {
        for (DType t : values()) {
            if (t.safetensorsName.equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Reads element {@code index} of a little-endian tensor as fp32 (exact for every type). */
    public float read(MemorySegment data, long index) {
        return switch (this) {
            case BF16 -> bf16ToFloat(data.getAtIndex(SHORT_LE, index));
            case F16 -> Float.float16ToFloat(data.getAtIndex(SHORT_LE, index));
            case F32 -> data.getAtIndex(FLOAT_LE, index);
            case I8 -> data.get(ValueLayout.JAVA_BYTE, index);
            case U8 -> data.get(ValueLayout.JAVA_BYTE, index) & 0xff;
        };
    }

    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }

    /** Round-to-nearest-even fp32 to bf16, as PyTorch does; NaN stays NaN. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
