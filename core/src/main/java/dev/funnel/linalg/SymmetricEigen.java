package dev.funnel.linalg;

/**
 * Eigen-decomposition {@code A = W Λ Wᵀ} of a small dense symmetric matrix by the cyclic Jacobi
 * method (Golub and Van Loan, Matrix Computations, 4th ed., section 8.5; the rotation as in Numerical
 * Recipes' {@code jacobi}). O(n³) per sweep and a handful of sweeps (convergence is quadratic):
 * meant for the Rayleigh-Ritz step of a subspace iteration, a few hundred rows, where its accuracy
 * (small eigenvalues to full relative precision) and short code beat a faster tridiagonal QR.
 */
public final class SymmetricEigen {
  private static final int MAX_SWEEPS = 60;

  private final int n;
  private final double[] values;
  private final double[] vectors;

  private SymmetricEigen(int n, double[] values, double[] vectors) {
    this.n = n;
    this.values = values;
    this.vectors = vectors;
  }

  /**
   * Decomposes the symmetric {@code n x n} row-major matrix {@code a} (left unchanged; only its
   * upper triangle is read).
   *
   * @throws IllegalArgumentException if {@code a} is not {@code n*n} long or holds a non-finite value
   * @throws ArithmeticException if the sweeps do not converge (not seen on finite input)
   */
  public static SymmetricEigen of(double[] a, int n) {
    if (n < 0 || a.length != (long) n * n) {
      throw new IllegalArgumentException("expected an " + n + " x " + n + " matrix; length=" + a.length);
    }
    double[] m = new double[n * n];
    double scale = 0;
    for (int p = 0; p < n; p++) {
      for (int q = p; q < n; q++) {
        double v = a[p * n + q];
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("matrix entry (" + p + ", " + q + ") is " + v);
        }
        m[p * n + q] = v;
        m[q * n + p] = v;
        scale += (p == q ? 1 : 2) * v * v;
      }
    }
    // vt row j is eigenvector j, so the rotations update two contiguous rows.
    double[] vt = new double[n * n];
    for (int p = 0; p < n; p++) {
      vt[p * n + p] = 1;
    }
    double[] rowP = new double[n];
    double[] rowQ = new double[n];
    double tolerance = 1e-30 * scale;
    boolean converged = false;
    for (int sweep = 0; sweep < MAX_SWEEPS && !converged; sweep++) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += m[p * n + q] * m[p * n + q];
        }
      }
      if (off <= tolerance) {
        converged = true;
        break;
      }
      for (int p = 0; p < n - 1; p++) {
        for (int q = p + 1; q < n; q++) {
          double apq = m[p * n + q];
          if (apq == 0) {
            continue;
          }
          double app = m[p * n + p];
          double aqq = m[q * n + q];
          double theta = (aqq - app) / (2 * apq);
          double t = Math.abs(theta) > 1e150
              ? 0.5 / theta
              : Math.copySign(1.0, theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < n; k++) {
            double mp = m[p * n + k];
            double mq = m[q * n + k];
            rowP[k] = c * mp - s * mq;
            rowQ[k] = s * mp + c * mq;
          }
          rowP[p] = app - t * apq;
          rowQ[q] = aqq + t * apq;
          rowP[q] = 0;
          rowQ[p] = 0;
          for (int k = 0; k < n; k++) {
            m[p * n + k] = rowP[k];
            m[k * n + p] = rowP[k];
            m[q * n + k] = rowQ[k];
            m[k * n + q] = rowQ[k];
          }
          for (int k = 0; k < n; k++) {
            double vp = vt[p * n + k];
            double vq = vt[q * n + k];
            vt[p * n + k] = c * vp - s * vq;
            vt[q * n + k] = s * vp + c * vq;
          }
        }
      }
    }
    if (!converged) {
      double off = 0;
      for (int p = 0; p < n; p++) {
        for (int q = p + 1; q < n; q++) {
          off += m[p * n + q] * m[p * n + q];
        }
      }
      if (off > 1e-20 * scale) {
        throw new ArithmeticException("Jacobi did not converge in " + MAX_SWEEPS + " sweeps; off-diagonal mass " + off);
      }
    }
    // Sort descending by eigenvalue, moving the vectors along.
    Integer[] order = new Integer[n];
    for (int j = 0; j < n; j++) {
      order[j] = j;
    }
    double[] diag = new double[n];
    for (int j = 0; j < n; j++) {
      diag[j] = m[j * n + j];
    }
    java.util.Arrays.sort(order, (x, y) -> Double.compare(diag[y], diag[x]));
    double[] values = new double[n];
    double[] vectors = new double[n * n];
    for (int j = 0; j < n; j++) {
      values[j] = diag[order[j]];
      System.arraycopy(vt, order[j] * n, vectors, j * n, n);
    }
    return new SymmetricEigen(n, values, vectors);
  }

  public int size() {
    return n;
  }

  /** Eigenvalue j, in descending order. */
  public double value(int j) {
    return values[j];
  }

  /** Component k of the unit eigenvector of {@link #value(int) value(j)}. */
  public double vector(int j, int k) {
    return vectors[j * n + k];
  }
}
