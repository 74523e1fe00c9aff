package dev.dream4j.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector math built only from IEEE-exact lane operations (add, mul, fma, min, max, exact conversions), so a result
 * is the same whether the Vector API code runs interpreted, in C1 or in C2. {@code VectorOperators.EXP} and
 * {@code reduceLanes(ADD)} are not: their intrinsic and fallback implementations round differently, which would
 * break bit-reproducibility between the first (cold) and later forward passes.
 */
final class VMath {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    private static final float ROUND = 12582912f; // 1.5 * 2^23: adding and subtracting rounds to an integer
    private static final float MIN_X = -87.3f;
    private static final float MAX_X = 88.0f;

    private VMath() {
    }

    /**
     * {@code e^x} per lane, about 2 ulp; inputs are clamped to [-87.3, 88], so very negative inputs give about
     * 1e-38 rather than 0 and NaN is not propagated (the callers never pass NaN on finite weights).
     */
    static FloatVector exp(FloatVector x) {
        x = x.max(MIN_X).min(MAX_X);
        FloatVector fx = x.fma(FloatVector.broadcast(F, LOG2E), FloatVector.broadcast(F, ROUND)).sub(ROUND);
        FloatVector r = fx.fma(FloatVector.broadcast(F, -LN2_HI), x);
        r = fx.fma(FloatVector.broadcast(F, -LN2_LO), r);
        // Cephes expf minimax polynomial on [-ln2/2, ln2/2]
        FloatVector p = FloatVector.broadcast(F, 1.9875691500e-4f);
        p = p.fma(r, FloatVector.broadcast(F, 1.3981999507e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 8.3334519073e-3f));
        p = p.fma(r, FloatVector.broadcast(F, 4.1665795894e-2f));
        p = p.fma(r, FloatVector.broadcast(F, 1.6666665459e-1f));
        p = p.fma(r, FloatVector.broadcast(F, 5.0000001201e-1f));
        FloatVector y = p.fma(r.mul(r), r).add(1f);
        IntVector e = (IntVector) fx.convert(VectorOperators.F2I, 0);
        FloatVector scale = e.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        return y.mul(scale);
    }

    /** Sum of the lanes in lane order (fixed, tier-independent rounding). */
    static float sum(FloatVector v) {
        float[] lanes = v.toArray();
        float s = 0f;
        for (float f : lanes) {
            s += f;
        }
        return s;
    }
}
