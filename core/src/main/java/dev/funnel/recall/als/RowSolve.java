package dev.funnel.recall.als;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.linalg.Cholesky;

/**
 * Solves one row's normal equation of implicit ALS,
 *
 * <pre>
 *   (G + sum over observed j of w_j y_j y_jᵀ + lambda I) x = sum over observed j of t_j y_j
 * </pre>
 *
 * where {@code G = unobservedWeight · YᵀY} is shared by every row (computed once per half-pass), the
 * sum runs over the row's observed entries only, {@code t_j = 1 + alpha · r_j} (the confidence) and
 * {@code w_j = t_j - shift} ({@code shift = unobservedWeight} when the unobserved weight covers only
 * unobserved pairs, as in Hu et al.; 0 when it covers all pairs, as in Rendle et al.). Either exactly
 * (Cholesky, O(n_u d² + d³)) or with a few conjugate-gradient steps warm-started from the row's
 * current value (Takács, Pilászy &amp; Tikk 2011; the {@code implicit} library's CG solver):
 * O(steps · (d² + n_u d)), never forming the row's matrix. One instance per worker: it holds scratch.
 */
final class RowSolve {
  private final int dim;
  private final VectorKernels k;
  private final float[] r;
  private final float[] p;
  private final float[] ap;
  private final double[] a;
  private final double[] b;

  RowSolve(int dim, VectorKernels k) {
    this.dim = dim;
    this.k = k;
    this.r = new float[dim];
    this.p = new float[dim];
    this.ap = new float[dim];
    this.a = new double[dim * dim];
    this.b = new double[dim];
  }

  /**
   * {@code steps} conjugate-gradient steps on the row's equation, starting from and overwriting
   * {@code x[xOff .. xOff+dim)}. Each step cannot increase the row's quadratic objective, so a pass
   * of warm-started CG never increases the loss.
   *
   * @param gram G as floats, d×d row-major (symmetric)
   * @param fixed the fixed side's table, row-major
   * @param idx the row's observed entries are {@code idx[from..to)} (rows of {@code fixed})
   * @param values their values r
   */
  void conjugateGradient(float[] gram, float lambda, float[] fixed, int[] idx, float[] values, int from, int to,
      float alpha, float shift, float[] x, int xOff, int steps) {
    int d = dim;
    // r = b - A x
    k.dotRows(x, xOff, gram, 0, d, d, r, 0);
    for (int f = 0; f < d; f++) {
      r[f] = -r[f] - lambda * x[xOff + f];
    }
    for (int e = from; e < to; e++) {
      int yOff = idx[e] * d;
      float t = 1f + alpha * values[e];
      float s = t - (t - shift) * k.dot(fixed, yOff, x, xOff, d);
      k.axpy(s, fixed, yOff, r, 0, d);
    }
    System.arraycopy(r, 0, p, 0, d);
    float rs = k.sumOfSquares(r, 0, d);
    for (int step = 0; step < steps && rs > 1e-20f; step++) {
      // ap = A p
      k.dotRows(p, 0, gram, 0, d, d, ap, 0);
      k.axpy(lambda, p, 0, ap, 0, d);
      for (int e = from; e < to; e++) {
        int yOff = idx[e] * d;
        float w = 1f + alpha * values[e] - shift;
        k.axpy(w * k.dot(fixed, yOff, p, 0, d), fixed, yOff, ap, 0, d);
      }
      float pap = k.dot(p, 0, ap, 0, d);
      if (!(pap > 0)) {
        break; // converged to rounding (or a semidefinite direction): nothing left to gain
      }
      float step1 = rs / pap;
      k.axpy(step1, p, 0, x, xOff, d);
      k.axpy(-step1, ap, 0, r, 0, d);
      float rsNew = k.sumOfSquares(r, 0, d);
      float beta = rsNew / rs;
      for (int f = 0; f < d; f++) {
        p[f] = r[f] + beta * p[f];
      }
      rs = rsNew;
    }
  }

  /**
   * The exact solution by Cholesky factorisation in double precision, written to
   * {@code x[xOff .. xOff+dim)}.
   *
   * @param gram G as doubles, d×d row-major (symmetric)
   * @throws IllegalStateException when the matrix is not positive definite (reg = 0 and too few data)
   */
  void cholesky(double[] gram, double lambda, float[] fixed, int[] idx, float[] values, int from, int to, double alpha,
      double shift, float[] x, int xOff) {
    int d = dim;
    System.arraycopy(gram, 0, a, 0, d * d);
    for (int f = 0; f < d; f++) {
      a[f * d + f] += lambda;
      b[f] = 0;
    }
    for (int e = from; e < to; e++) {
      int yOff = idx[e] * d;
      double t = 1 + alpha * values[e];
      double w = t - shift;
      for (int f = 0; f < d; f++) {
        double yf = fixed[yOff + f];
        b[f] += t * yf;
        double wyf = w * yf;
        for (int g = 0; g <= f; g++) {
          a[f * d + g] += wyf * fixed[yOff + g]; // lower triangle only
        }
      }
    }
    // In place: lower triangle of a becomes L with A = L Lᵀ.
    int failed = Cholesky.factorInPlace(a, d, 0);
    if (failed >= 0) {
      throw new IllegalStateException("ials: row matrix is not positive definite (pivot " + failed + "); use reg > 0");
    }
    // L z = b, then Lᵀ x = z (z kept in b).
    for (int i = 0; i < d; i++) {
      double s = b[i];
      for (int m = 0; m < i; m++) {
        s -= a[i * d + m] * b[m];
      }
      b[i] = s / a[i * d + i];
    }
    for (int i = d - 1; i >= 0; i--) {
      double s = b[i];
      for (int m = i + 1; m < d; m++) {
        s -= a[m * d + i] * b[m];
      }
      b[i] = s / a[i * d + i];
    }
    for (int f = 0; f < d; f++) {
      x[xOff + f] = (float) b[f];
    }
  }
}
