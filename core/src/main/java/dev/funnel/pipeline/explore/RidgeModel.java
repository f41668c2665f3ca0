package dev.funnel.pipeline.explore;

import java.util.Random;

/**
 * One ridge-regression arm of a linear bandit: {@code A = λI + Σ x xᵀ}, {@code b = Σ r x},
 * {@code θ = A⁻¹ b}. The inverse is kept up to date with the Sherman–Morrison formula
 * {@code (A + x xᵀ)⁻¹ = A⁻¹ − (A⁻¹x)(A⁻¹x)ᵀ / (1 + xᵀA⁻¹x)}, an O(d²) step instead of an O(d³)
 * inversion, and recomputed exactly (Cholesky) every {@value #REFRESH} updates so rounding does not
 * accumulate.
 *
 * <p>The update is split in two so a live service can apply feedback as it arrives in any order:
 * {@link #observe} (an impression: {@code A += x xᵀ}) and {@link #reward} (a click:
 * {@code b += r x}); both together equal the textbook update with reward {@code r}. Thread-safe:
 * every method holds the model's monitor (d is small, so each call is microseconds).
 */
public final class RidgeModel {
  /** Updates between exact re-inversions. */
  static final int REFRESH = 4096;

  private final int d;
  private final double[] a;
  private final double[] inv;
  private final double[] b;
  private final double[] theta;
  private final double[] tmp;
  private long observations;
  private double rewards;

  /**
   * @param dim context dimension d (&gt;= 1)
   * @param ridge λ &gt; 0, the prior precision: {@code A} starts at {@code λI}
   */
  public RidgeModel(int dim, double ridge) {
    if (dim < 1 || dim > 4096) {
      throw new IllegalArgumentException("dim must be in [1, 4096]; dim=" + dim);
    }
    if (!(ridge > 0) || Double.isInfinite(ridge)) {
      throw new IllegalArgumentException("ridge must be positive; ridge=" + ridge);
    }
    d = dim;
    a = new double[d * d];
    inv = new double[d * d];
    b = new double[d];
    theta = new double[d];
    tmp = new double[d];
    for (int i = 0; i < d; i++) {
      a[i * d + i] = ridge;
      inv[i * d + i] = 1 / ridge;
    }
  }

  public int dim() {
    return d;
  }

  /** An impression: {@code A += x xᵀ}, {@code A⁻¹} by Sherman–Morrison. */
  public synchronized void observe(double[] x) {
    check(x);
    for (int i = 0; i < d; i++) {
      double xi = x[i];
      if (xi != 0) {
        int row = i * d;
        for (int j = 0; j < d; j++) {
          a[row + j] += xi * x[j];
        }
      }
    }
    observations++;
    if (observations % REFRESH == 0) {
      invertExactly();
    } else {
      double[] u = tmp;
      mul(inv, x, u); // u = A⁻¹x (A⁻¹ symmetric)
      double denom = 1 + dot(x, u);
      for (int i = 0; i < d; i++) {
        double ui = u[i] / denom;
        int row = i * d;
        for (int j = 0; j < d; j++) {
          inv[row + j] -= ui * u[j];
        }
      }
    }
    mul(inv, b, theta);
  }

  /** A reward for a context already {@link #observe}d (or observed later): {@code b += r x}. */
  public synchronized void reward(double[] x, double r) {
    check(x);
    if (r == 0) {
      return;
    }
    for (int i = 0; i < d; i++) {
      b[i] += r * x[i];
    }
    rewards += r;
    mul(inv, b, theta);
  }

  /** The textbook update: {@link #observe} then {@link #reward}. */
  public synchronized void update(double[] x, double r) {
    observe(x);
    reward(x, r);
  }

  /** {@code θᵀx}, the ridge estimate of the reward. */
  public synchronized double mean(double[] x) {
    check(x);
    return dot(theta, x);
  }

  /** {@code sqrt(xᵀA⁻¹x)}, the confidence width (one standard deviation up to the noise scale). */
  public synchronized double width(double[] x) {
    check(x);
    double s = 0;
    for (int i = 0; i < d; i++) {
      double row = 0;
      for (int j = 0; j < d; j++) {
        row += inv[i * d + j] * x[j];
      }
      s += x[i] * row;
    }
    return Math.sqrt(Math.max(0, s));
  }

  /** LinUCB's score {@code θᵀx + α sqrt(xᵀA⁻¹x)} (Li et al., WWW 2010, Algorithm 1). */
  public synchronized double upperBound(double[] x, double alpha) {
    return mean(x) + alpha * width(x);
  }

  /**
   * A draw {@code θ̃ ~ N(θ, v² A⁻¹)} (Agrawal &amp; Goyal, ICML 2013): {@code θ + v L z} with
   * {@code L Lᵀ = A⁻¹} (Cholesky) and {@code z} standard normal.
   */
  public synchronized double[] sampleTheta(Random random, double v) {
    double[] l = cholesky(inv, d);
    double[] z = new double[d];
    for (int i = 0; i < d; i++) {
      z[i] = random.nextGaussian();
    }
    double[] out = theta.clone();
    for (int i = 0; i < d; i++) {
      double s = 0;
      for (int j = 0; j <= i; j++) {
        s += l[i * d + j] * z[j];
      }
      out[i] += v * s;
    }
    return out;
  }

  /** Impressions observed. */
  public synchronized long observations() {
    return observations;
  }

  /** Sum of rewards. */
  public synchronized double rewards() {
    return rewards;
  }

  /** A copy of {@code A} (row-major d×d). */
  public synchronized double[] matrix() {
    return a.clone();
  }

  /** A copy of the maintained {@code A⁻¹} (row-major d×d). */
  public synchronized double[] inverse() {
    return inv.clone();
  }

  /** A copy of {@code θ}. */
  public synchronized double[] theta() {
    return theta.clone();
  }

  /** The inverse of a symmetric positive-definite matrix by Cholesky, for the exact refresh and for tests. */
  public static double[] invertSpd(double[] m, int d) {
    double[] l = cholesky(m, d);
    // inverse of L (lower triangular), then A⁻¹ = L⁻ᵀ L⁻¹
    double[] li = new double[d * d];
    for (int i = 0; i < d; i++) {
      li[i * d + i] = 1 / l[i * d + i];
      for (int j = 0; j < i; j++) {
        double s = 0;
        for (int k = j; k < i; k++) {
          s += l[i * d + k] * li[k * d + j];
        }
        li[i * d + j] = -s / l[i * d + i];
      }
    }
    double[] out = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = 0;
        for (int k = i; k < d; k++) {
          s += li[k * d + i] * li[k * d + j];
        }
        out[i * d + j] = s;
        out[j * d + i] = s;
      }
    }
    return out;
  }

  static double[] cholesky(double[] m, int d) {
    double[] l = new double[d * d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double s = m[i * d + j];
        for (int k = 0; k < j; k++) {
          s -= l[i * d + k] * l[j * d + k];
        }
        if (i == j) {
          // Tiny negative pivots are rounding on a positive-definite matrix: clamp rather than fail.
          l[i * d + i] = Math.sqrt(Math.max(s, 1e-300));
        } else {
          l[i * d + j] = s / l[j * d + j];
        }
      }
    }
    return l;
  }

  private void invertExactly() {
    System.arraycopy(invertSpd(a, d), 0, inv, 0, d * d);
  }

  private void mul(double[] m, double[] x, double[] out) {
    for (int i = 0; i < d; i++) {
      double s = 0;
      int row = i * d;
      for (int j = 0; j < d; j++) {
        s += m[row + j] * x[j];
      }
      out[i] = s;
    }
  }

  private double dot(double[] u, double[] v) {
    double s = 0;
    for (int i = 0; i < d; i++) {
      s += u[i] * v[i];
    }
    return s;
  }

  private void check(double[] x) {
    if (x.length != d) {
      throw new IllegalArgumentException("context length must equal dim; length=" + x.length + ", dim=" + d);
    }
  }
}
