/**
 * Which dot-product instructions pure Java reaches on this JVM (run by show-kernels.sh, not part of the build): C2's
 * auto-vectorizer turns the scalar idiom {@code out[i] += a[2i]·b[2i] + a[2i+1]·b[2i+1]} over int16 arrays into
 * {@code vpdpwssd} (AVX512_VNNI: 32 int16 multiply-adds per 512-bit instruction) where the CPU has it, while the
 * Vector API (used by java-cpu) names no dot product. Only that streaming form vectorizes: its accumulators are
 * loaded and stored around every instruction. The reduction form a register-blocked GEMM needs
 * ({@code s += a[2i]·b[2i] + a[2i+1]·b[2i+1]}) stays scalar. The fp32 streaming loop is the like-for-like baseline;
 * all loops are L1-resident, and {@code decode_asm.py} shows the instructions.
 */
public class DotProductIdioms {
    static void int16PairsIntoInt32(short[] a, short[] b, int[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
    }

    static int int16PairsReduction(short[] a, short[] b, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) {
            s += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        }
        return s;
    }

    static void fp32Fma(float[] a, float[] b, float[] out, int n) {
        for (int i = 0; i < n; i++) {
            out[i] = Math.fma(a[i], b[i], out[i]);
        }
    }

    public static void main(String[] args) {
        int n = 512;
        short[] a = new short[2 * n];
        short[] b = new short[2 * n];
        int[] out = new int[n];
        float[] fa = new float[n];
        float[] fb = new float[n];
        float[] fo = new float[n];
        for (int i = 0; i < 2 * n; i++) {
            a[i] = (short) (i % 97 - 48);
            b[i] = (short) (i % 89 - 44);
        }
        for (int i = 0; i < n; i++) {
            fa[i] = i * 1e-3f;
            fb[i] = 1f;
        }
        long reps = 1_000_000;
        for (int r = 0; r < 3; r++) {
            long t0 = System.nanoTime();
            for (long k = 0; k < reps; k++) {
                int16PairsIntoInt32(a, b, out, n);
            }
            double s = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            for (long k = 0; k < reps; k++) {
                fp32Fma(fa, fb, fo, n);
            }
            double s2 = (System.nanoTime() - t1) / 1e9;
            long t2 = System.nanoTime();
            long red = 0;
            for (long k = 0; k < reps; k++) {
                red += int16PairsReduction(a, b, n);
            }
            double s3 = (System.nanoTime() - t2) / 1e9;
            System.out.printf("multiply-adds: int16 streaming idiom %.1f G/s, int16 reduction %.1f G/s, fp32 FMA streaming %.1f G/s"
                    + " (checksums %d %d %.1f)%n", reps * 2.0 * n / s / 1e9, reps * 2.0 * n / s3 / 1e9, reps * (double) n / s2 / 1e9,
                    out[3], red, fo[3]);
        }
    }
}
