package dev.funnel.train.loss;

/**
 * Bayesian personalised ranking (Rendle et al., UAI 2009) in softplus form. For a positive score s+
 * and negative scores s_1..s_n:
 *
 * <pre>
 *   loss       = sum_j softplus(-(s+ - s_j)) = sum_j -log sigma(s+ - s_j)
 *   dL/ds+     = -sum_j sigma(-(s+ - s_j))
 *   dL/ds_j    = sigma(-(s+ - s_j))
 * </pre>
 *
 * Summed over negatives, not averaged. Stable for any finite scores (no overflow, no NaN).
 */
public final class BprLoss {
  private BprLoss() {}

  /** One triple: returns the loss and writes grad[gradOff] = dL/ds+, grad[gradOff+1] = dL/ds-. */
  public static double loss(float positiveScore, float negativeScore, float[] grad, int gradOff) {
    double x = (double) positiveScore - negativeScore;
    double e = Math.exp(-Math.abs(x));
    double g = x >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
    grad[gradOff] = (float) -g;
    grad[gradOff + 1] = (float) g;
    return Math.max(-x, 0.0) + log1pSmall(e);
  }

  /**
   * One positive against n negatives. Scores are {@code scores[off]} (positive) then
   * {@code scores[off+1 .. off+1+n)}; the gradient is written in the same layout into
   * {@code grad[gradOff .. gradOff+1+n)}.
   */
  public static double loss(float[] scores, int off, int numNegatives, float[] grad, int gradOff) {
    double pos = scores[off];
    double loss = 0;
    double gPos = 0;
    for (int j = 1; j <= numNegatives; j++) {
      // One exp per pair: with e = exp(-|x|), sigma(-x) and softplus(-x) both follow from e.
      double x = pos - scores[off + j];
      double e = Math.exp(-Math.abs(x));
      double g = x >= 0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
      loss += Math.max(-x, 0.0) + log1pSmall(e);
      gPos -= g;
      grad[gradOff + j] = (float) g;
    }
    grad[gradOff] = (float) gPos;
    return loss;
  }

  /**
   * log(1 + e) for e in [0, 1]: the intrinsic {@code Math.log}, which is several times faster than
   * {@code Math.log1p}; below 1e-4 the series e - e²/2 + e³/3 keeps full relative precision, where
   * 1 + e would round e away.
   */
  static double log1pSmall(double e) {
    return e < 1e-4 ? e * (1.0 - e * (0.5 - e / 3.0)) : Math.log(1.0 + e);
  }
}
