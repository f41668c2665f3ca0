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
    double g = Logistic.sigmoid(-x);
    grad[gradOff] = (float) -g;
    grad[gradOff + 1] = (float) g;
    return Logistic.softplus(-x);
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
      double x = pos - scores[off + j];
      double g = Logistic.sigmoid(-x);
      loss += Logistic.softplus(-x);
      gPos -= g;
      grad[gradOff + j] = (float) g;
    }
    grad[gradOff] = (float) gPos;
    return loss;
  }
}
