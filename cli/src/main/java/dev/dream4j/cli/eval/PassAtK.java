package dev.dream4j.cli.eval;

/** The unbiased pass@k estimator of Chen et al. 2021 (the HumanEval paper). */
public final class PassAtK {
    private PassAtK() {
    }

    /**
     * 1 - C(n-c, k) / C(n, k): the chance that at least one of k samples drawn without replacement from n, of
     * which c pass, passes. Computed as a product, which stays exact-ish for large n.
     *
     * @throws IllegalArgumentException unless 0 <= c <= n and 1 <= k <= n
     */
    public static double estimate(int n, int c, int k) {
        if (n < 1 || c < 0 || c > n || k < 1 || k > n) {
            throw new IllegalArgumentException("pass@k needs 0 <= c <= n and 1 <= k <= n; got n=" + n + " c=" + c + " k=" + k);
        }
        if (n - c < k) {
            return 1.0;
        }
        double fail = 1.0;
        for (int i = n - c + 1; i <= n; i++) {
            fail *= 1.0 - (double) k / i;
        }
        return 1.0 - fail;
    }
}
