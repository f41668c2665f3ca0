package dev.funnel.train.loss;

/**
 * Binary cross-entropy on logits with sampled negatives: the positive is labelled 1, each sampled
 * negative 0 (the word2vec negative-sampling objective, Mikolov et al., NeurIPS 2013):
 *
 * <pre>
 *   loss    = -log sigma(s+) - sum_j log(1 - sigma(s_j)) = softplus(-s+) + sum_j softplus(s_j)
 *   dL/ds+  = sigma(s+) - 1 = -sigma(-s+)
 *   dL/ds_j = sigma(s_j)
 * </pre>
 *
 * Summed over the terms. Stable for any finite logits.
 */
public final class BinaryCrossEntropyLoss {
  private BinaryCrossEntropyLoss() {}

  /**
   * Scores are {@code scores[off]} (positive) then {@code scores[off+1 .. off+1+n)} (negatives); the
   * gradient is written in the same layout into {@code grad[gradOff .. gradOff+1+n)}.
   */
  public static double loss(float[] scores, int off, int numNegatives, float[] grad, int gradOff) {
    double pos = scores[off];
    double loss = Logistic.softplus(-pos);
    grad[gradOff] = (float) -Logistic.sigmoid(-pos);
    for (int j = 1; j <= numNegatives; j++) {
      double s = scores[off + j];
      loss += Logistic.softplus(s);
      grad[gradOff + j] = (float) Logistic.sigmoid(s);
    }
    return loss;
  }

  /** A single logit with label 1 or 0; writes dL/ds to grad[gradOff]. */
  public static double loss(float score, boolean positive, float[] grad, int gradOff) {
    double s = positive ? -score : score;
    double g = Logistic.sigmoid(s);
    grad[gradOff] = (float) (positive ? -g : g);
    return Logistic.softplus(s);
  }
}
