package dev.funnel.train.loss;

/**
 * Sampled softmax with the logQ correction and a temperature, as in Yi et al., "Sampling-Bias-Corrected
 * Neural Modeling for Large Corpus Item Recommendations" (RecSys 2019). Over the positive (index 0) and
 * n sampled negatives with scores s_j and sampling probabilities q_j:
 *
 * <pre>
 *   z_j     = (s_j - log q_j) / tau
 *   loss    = -log softmax(z)_0 = logsumexp(z) - z_0
 *   dL/ds_j = (softmax(z)_j - [j = 0]) / tau
 * </pre>
 *
 * Subtracting log q_j makes the sampled softmax an unbiased-in-the-limit estimate of the full one
 * when items are drawn with probability q (in-batch negatives are drawn by popularity). The correction
 * applies to the positive too, as in the paper. Negatives equal to the positive ("accidental hits")
 * should be dropped by the caller. logsumexp subtracts the max logit, so any finite input is safe.
 * Pass {@code logQ = null} for no correction. Immutable; allocation-free.
 */
public final class SampledSoftmaxLoss {
  private final double temperature;

  /** @param temperature tau &gt; 0; smaller sharpens the softmax */
  public SampledSoftmaxLoss(double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("temperature must be positive and finite; temperature=" + temperature);
    }
    this.temperature = temperature;
  }

  public double temperature() {
    return temperature;
  }

  /**
   * Scores {@code scores[off .. off+1+n)} with the positive first; their log sampling probabilities in
   * {@code logQ[logQOff ..]} in the same layout (or {@code logQ == null}). Writes dL/ds in the same
   * layout into {@code grad[gradOff ..]} and returns the loss. {@code grad} may be {@code scores}
   * with the same offset (the gradient overwrites the scores).
   */
  public double loss(float[] scores, int off, int numNegatives, float[] logQ, int logQOff, float[] grad,
      int gradOff) {
    int n = numNegatives + 1;
    double inv = 1.0 / temperature;
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      max = Math.max(max, logit(scores, off, logQ, logQOff, j, inv));
    }
    double z0 = logit(scores, off, logQ, logQOff, 0, inv);
    double sum = 0;
    for (int j = 0; j < n; j++) {
      sum += Math.exp(logit(scores, off, logQ, logQOff, j, inv) - max);
    }
    double logSum = Math.log(sum);
    // Gradients last: grad may alias scores.
    double loss = max + logSum - z0;
    for (int j = 0; j < n; j++) {
      double p = Math.exp(logit(scores, off, logQ, logQOff, j, inv) - max - logSum);
      grad[gradOff + j] = (float) ((j == 0 ? p - 1.0 : p) * inv);
    }
    return loss;
  }

  private static double logit(float[] scores, int off, float[] logQ, int logQOff, int j, double inv) {
    double s = scores[off + j];
    if (logQ != null) {
      s -= logQ[logQOff + j];
    }
    return s * inv;
  }
}
