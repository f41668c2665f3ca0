package dev.funnel.train.loss;

/**
 * The cosine contrastive loss of SimpleX (Mao et al., "SimpleX: A Simple and Strong Baseline for
 * Collaborative Filtering", CIKM 2021; called MF-CCL there when paired with matrix factorisation). For
 * a user vector u, its positive item p and negatives N:
 *
 * <pre>
 *   loss = (1 - cos(u, p)) + (w / |N|) * sum_{j in N} max(0, cos(u, j) - margin)
 *   d cos(a, b) / d a = b / (|a| |b|) - cos(a, b) * a / |a|^2
 * </pre>
 *
 * Only negatives whose cosine exceeds the margin contribute (and get a gradient); the weight w
 * balances the many negatives against the one positive. At the hinge (cos = margin exactly) the
 * subgradient 0 is used. A zero vector has cosine 0 with everything and receives a zero gradient.
 * Vectors are read in float, dot products accumulate in float as the vector kernels will; the loss is
 * returned in double, so squared norms must fit in a float (components below about 1e19). Immutable;
 * allocation-free.
 */
public final class CosineContrastiveLoss {
  private final float margin;
  private final float negativeWeight;

  /**
   * @param margin cosine above which a negative is penalised, in [-1, 1] to be meaningful (any finite
   *     value is accepted: above 1 no negative is ever active, below -1 all are)
   * @param negativeWeight w &gt;= 0
   */
  public CosineContrastiveLoss(double margin, double negativeWeight) {
    if (!Double.isFinite(margin)) {
      throw new IllegalArgumentException("margin must be finite; margin=" + margin);
    }
    if (!(negativeWeight >= 0) || Double.isInfinite(negativeWeight)) {
      throw new IllegalArgumentException("negativeWeight must be >= 0 and finite; negativeWeight=" + negativeWeight);
    }
    this.margin = (float) margin;
    this.negativeWeight = (float) negativeWeight;
  }

  public float margin() {
    return margin;
  }

  public float negativeWeight() {
    return negativeWeight;
  }

  /**
   * Returns the loss and overwrites the gradients with respect to u, p and every negative.
   *
   * @param user u at {@code user[userOff .. userOff+dim)}
   * @param positive p at {@code positive[positiveOff .. +dim)}
   * @param negatives the array holding the negatives (e.g. an item table's data)
   * @param negativeOffsets negative k (0-based) starts at {@code negatives[negativeOffsets[negFrom+k]]}
   * @param gradNegatives dL/d(negative k) is written to {@code gradNegatives[gradNegativesOff + k*dim ..]};
   *     inactive negatives get zeros
   */
  public double loss(float[] user, int userOff, float[] positive, int positiveOff, float[] negatives,
      int[] negativeOffsets, int negFrom, int numNegatives, int dim, float[] gradUser, int gradUserOff,
      float[] gradPositive, int gradPositiveOff, float[] gradNegatives, int gradNegativesOff) {
    float uu = dot(user, userOff, user, userOff, dim);
    float pp = dot(positive, positiveOff, positive, positiveOff, dim);
    float up = dot(user, userOff, positive, positiveOff, dim);
    float nu = (float) Math.sqrt(uu);
    float np = (float) Math.sqrt(pp);
    double loss;
    if (nu > 0 && np > 0) {
      float cos = up / (nu * np);
      loss = 1.0 - cos;
      // d(1 - cos)/du = -(p/(nu np) - cos u/nu^2); d/dp likewise with the roles swapped.
      float a = 1f / (nu * np);
      float bu = cos / uu;
      float bp = cos / pp;
      for (int k = 0; k < dim; k++) {
        float uk = user[userOff + k];
        float pk = positive[positiveOff + k];
        gradUser[gradUserOff + k] = -(pk * a - bu * uk);
        gradPositive[gradPositiveOff + k] = -(uk * a - bp * pk);
      }
    } else {
      loss = 1.0;
      fillZero(gradUser, gradUserOff, dim);
      fillZero(gradPositive, gradPositiveOff, dim);
    }
    if (numNegatives == 0) {
      return loss;
    }
    float scale = negativeWeight / numNegatives;
    double negativeSum = 0;
    for (int k = 0; k < numNegatives; k++) {
      int off = negativeOffsets[negFrom + k];
      int gOff = gradNegativesOff + k * dim;
      float jj = dot(negatives, off, negatives, off, dim);
      float nj = (float) Math.sqrt(jj);
      float cos = 0f;
      if (nu > 0 && nj > 0) {
        cos = dot(user, userOff, negatives, off, dim) / (nu * nj);
      }
      double hinge = Math.max(0.0, (double) cos - margin);
      negativeSum += hinge;
      if (!(hinge > 0) || !(nu > 0 && nj > 0)) {
        // Inactive, or a zero vector (cosine fixed at 0): no gradient.
        fillZero(gradNegatives, gOff, dim);
        continue;
      }
      float a = scale / (nu * nj);
      float bu = scale * cos / uu;
      float bj = scale * cos / jj;
      for (int d = 0; d < dim; d++) {
        float uk = user[userOff + d];
        float jk = negatives[off + d];
        gradUser[gradUserOff + d] += jk * a - bu * uk;
        gradNegatives[gOff + d] = uk * a - bj * jk;
      }
    }
    return loss + (double) scale * negativeSum;
  }

  private static float dot(float[] a, int aOff, float[] b, int bOff, int dim) {
    float s = 0f;
    for (int k = 0; k < dim; k++) {
      s += a[aOff + k] * b[bOff + k];
    }
    return s;
  }

  private static void fillZero(float[] a, int off, int len) {
    for (int k = 0; k < len; k++) {
      a[off + k] = 0f;
    }
  }
}
