package dev.funnel.rank.lr;

/**
 * Logistic regression trained with FTRL-Proximal (McMahan et al., KDD 2013, Algorithm 1).
 *
 * @param alpha per-coordinate learning-rate scale alpha, &gt; 0
 * @param beta per-coordinate learning-rate smoothing beta, &gt;= 0 (beta = 1 is "usually good enough")
 * @param l1 L1 strength lambda1 &gt;= 0: coordinates with |z_i| &lt;= lambda1 are exactly zero
 * @param l2 L2 strength lambda2 &gt;= 0
 * @param epochs passes over the training data, &gt;= 1
 * @param patience epochs without a better validation AUC before stopping, &gt;= 0 (0: never stop early)
 */
public record LrConfig(double alpha, double beta, double l1, double l2, int epochs, int patience) {
  public LrConfig {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be positive and finite; alpha=" + alpha);
    }
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beta must be >= 0 and finite; beta=" + beta);
    }
    if (!(l1 >= 0) || Double.isInfinite(l1)) {
      throw new IllegalArgumentException("l1 must be >= 0 and finite; l1=" + l1);
    }
    if (!(l2 >= 0) || Double.isInfinite(l2)) {
      throw new IllegalArgumentException("l2 must be >= 0 and finite; l2=" + l2);
    }
    if (epochs < 1) {
      throw new IllegalArgumentException("epochs must be positive; epochs=" + epochs);
    }
    if (patience < 0) {
      throw new IllegalArgumentException("patience must be >= 0; patience=" + patience);
    }
  }

  public static LrConfig defaults() {
    return new LrConfig(0.1, 1.0, 0.0, 1.0, 50, 2);
  }
}
