package dev.funnel.linalg;

/** The Cholesky factorisation {@code A = L Lᵀ} of a small dense symmetric matrix, in double. */
public final class Cholesky {
  private Cholesky() {}

  /**
   * Overwrites the lower triangle of the row-major {@code d x d} matrix {@code a} (only that triangle
   * is read) with L. A pivot must exceed {@code relativeFloor} times its diagonal entry (0: any
   * positive pivot); the factorisation stops at the first that does not.
   *
   * @return -1 on success, else the index of the failing pivot (the matrix is then partly overwritten)
   */
  public static int factorInPlace(double[] a, int d, double relativeFloor) {
    for (int j = 0; j < d; j++) {
      double diag = a[j * d + j];
      double pivot = diag;
      for (int m = 0; m < j; m++) {
        pivot -= a[j * d + m] * a[j * d + m];
      }
      if (!(pivot > 0) || !(pivot > relativeFloor * Math.abs(diag))) {
        return j;
      }
      double ljj = Math.sqrt(pivot);
      a[j * d + j] = ljj;
      for (int i = j + 1; i < d; i++) {
        double s = a[i * d + j];
        for (int m = 0; m < j; m++) {
          s -= a[i * d + m] * a[j * d + m];
        }
        a[i * d + j] = s / ljj;
      }
    }
    return -1;
  }
}
