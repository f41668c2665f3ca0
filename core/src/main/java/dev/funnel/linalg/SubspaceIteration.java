package dev.funnel.linalg;

import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import java.util.Random;

/**
 * The top eigenpairs of a large symmetric positive semi-definite operator given only as a product
 * {@code Y = M X} with a block of vectors: randomized subspace iteration (Halko, Martinsson and
 * Tropp, SIAM Review 2011, Algorithm 4.4) with a Rayleigh-Ritz step at the end. The truncated SVD
 * of a sparse matrix {@code R} is this with {@code M = RᵀR}: its eigenvectors are R's right singular
 * vectors and its eigenvalues the squared singular values.
 *
 * <p>Each iteration multiplies an orthonormal block of {@code l = k + oversample} vectors by M and
 * orthonormalises it again with CholeskyQR2 (Fukaya et al., 2014): a Gram matrix by GEMM, a Cholesky
 * factor in double and a triangular solve by GEMM, twice, so the whole iteration runs in the SIMD
 * GEMM and the operator, not in Gram-Schmidt's vector loops. Eigenvector j converges like
 * {@code (λ_{l+1}/λ_j)^iterations}; the oversampling keeps that ratio below 1 for the last wanted j.
 *
 * <p>Blocks are row-major {@code size x l}: row r holds coordinate r of all l vectors, so the
 * operator of a sparse matrix is one gather of rows per nonzero.
 */
public final class SubspaceIteration {
  private SubspaceIteration() {}

  /** A symmetric positive semi-definite operator on blocks. */
  public interface Operator {
    /** The dimension n of the space. */
    int size();

    /** {@code y = M x} for row-major {@code n x cols} blocks; {@code y} is overwritten. */
    void apply(float[] x, float[] y, int cols);
  }

  /**
   * The top {@code k} eigenvalues (descending) and unit eigenvectors, row-major {@code n x k}
   * ({@code vectors[r*k + j]} is coordinate r of vector j).
   */
  public record Result(int k, double[] values, float[] vectors) {}

  /**
   * @param oversample extra vectors iterated beside the k wanted (10-20% of k is usual)
   * @param iterations multiplications by M after the random start; 0 gives the plain randomized range finder
   * @throws IllegalArgumentException if k &lt; 1, the block is wider than the space, or counts are negative
   */
  public static Result topEigen(Operator m, int k, int oversample, int iterations, long seed, int threads, Progress progress) {
    int n = m.size();
    int l = k + oversample;
    if (k < 1 || oversample < 0 || iterations < 0) {
      throw new IllegalArgumentException("need k >= 1, oversample >= 0, iterations >= 0; k=" + k + ", oversample="
          + oversample + ", iterations=" + iterations);
    }
    if (l > n) {
      throw new IllegalArgumentException("k + oversample = " + l + " exceeds the dimension " + n);
    }
    Progress sink = progress == null ? Progress.NONE : progress;
    float[] q = new float[n * l];
    Random random = new Random(seed);
    for (int i = 0; i < q.length; i++) {
      q[i] = (float) random.nextGaussian();
    }
    float[] z = new float[n * l];
    orthonormalise(q, z, n, l, threads);
    sink.start("subspace iteration", iterations);
    for (int it = 0; it < iterations; it++) {
      m.apply(q, z, l);
      float[] t = q;
      q = z;
      z = t;
      orthonormalise(q, z, n, l, threads);
      sink.advance(1);
    }
    // Rayleigh-Ritz: H = Qᵀ M Q, H = W Λ Wᵀ, eigenvectors Q W.
    m.apply(q, z, l);
    double[] h = gram(q, z, n, l, threads);
    for (int a = 0; a < l; a++) {
      for (int b = a + 1; b < l; b++) {
        double s = 0.5 * (h[a * l + b] + h[b * l + a]);
        h[a * l + b] = s;
        h[b * l + a] = s;
      }
    }
    SymmetricEigen eig = SymmetricEigen.of(h, l);
    float[] wt = new float[k * l];
    double[] values = new double[k];
    for (int j = 0; j < k; j++) {
      values[j] = eig.value(j);
      for (int p = 0; p < l; p++) {
        wt[j * l + p] = (float) eig.vector(j, p);
      }
    }
    float[] vectors = new float[n * k];
    float[] qq = q;
    VectorKernels kern = Kernels.get();
    Parallel.forRange(n, threads, 1024, (w, from, to) ->
        kern.gemm(qq, from * l, to - from, wt, 0, k, l, vectors, from * k, k));
    sink.finish(k + " eigenpairs, largest " + (float) values[0] + ", smallest " + (float) values[k - 1]);
    return new Result(k, values, vectors);
  }

  /**
   * Makes the columns of the row-major {@code n x l} block {@code a} orthonormal in place (the same
   * span), by CholeskyQR2; a rank-deficient block gets a small diagonal shift on its first pass
   * (shifted CholeskyQR3). {@code scratch} is {@code n*l} floats.
   */
  static void orthonormalise(float[] a, float[] scratch, int n, int l, int threads) {
    boolean shifted = !choleskyQrStep(a, scratch, n, l, threads, false);
    if (shifted) {
      choleskyQrStep(a, scratch, n, l, threads, true);
    }
    choleskyQrStep(a, scratch, n, l, threads, false);
    if (shifted) {
      choleskyQrStep(a, scratch, n, l, threads, false);
    }
  }

  /** One CholeskyQR pass {@code A ← A L⁻ᵀ} with {@code AᵀA = LLᵀ}; false if the factor failed (and A is unchanged). */
  private static boolean choleskyQrStep(float[] a, float[] scratch, int n, int l, int threads, boolean shift) {
    double[] g = gram(a, a, n, l, threads);
    if (shift) {
      double trace = 0;
      for (int j = 0; j < l; j++) {
        trace += g[j * l + j];
      }
      double s = Math.max(1e-6 * trace / l, Double.MIN_NORMAL);
      for (int j = 0; j < l; j++) {
        g[j * l + j] += s;
      }
    }
    double[] chol = cholesky(g, l);
    if (chol == null) {
      if (shift) {
        throw new ArithmeticException("the block has no usable rank (a zero operator?)");
      }
      return false;
    }
    float[] inv = invertLower(chol, l);
    System.arraycopy(a, 0, scratch, 0, n * l);
    java.util.Arrays.fill(a, 0, n * l, 0f);
    VectorKernels kern = Kernels.get();
    Parallel.forRange(n, threads, 1024, (w, from, to) ->
        kern.gemm(scratch, from * l, to - from, inv, 0, l, l, a, from * l, l));
    return true;
  }

  /** {@code Xᵀ Y} of two row-major {@code n x l} blocks, summed in float per chunk and in double across chunks. */
  static double[] gram(float[] x, float[] y, int n, int l, int threads) {
    int chunk = 2048;
    int chunks = (n + chunk - 1) / chunk;
    float[][] partial = new float[chunks][];
    VectorKernels kern = Kernels.get();
    Parallel.forRange(n, threads, chunk, (w, from, to) -> {
      float[] c = new float[l * l];
      kern.gemmTN(x, from * l, l, y, from * l, l, to - from, c, 0, l);
      partial[from / chunk] = c;
    });
    double[] g = new double[l * l];
    for (float[] c : partial) {
      for (int i = 0; i < g.length; i++) {
        g[i] += c[i];
      }
    }
    return g;
  }

  /**
   * The lower Cholesky factor of the symmetric {@code l x l} matrix (its upper triangle zero), or null
   * if a pivot falls below 1e-7 of its diagonal entry: cond(A) beyond float CholeskyQR's reach (about
   * u^-1/2), so the caller shifts instead.
   */
  static double[] cholesky(double[] g, int l) {
    double[] c = g.clone();
    if (Cholesky.factorInPlace(c, l, 1e-7) >= 0) {
      return null;
    }
    for (int i = 0; i < l; i++) {
      java.util.Arrays.fill(c, i * l + i + 1, (i + 1) * l, 0.0);
    }
    return c;
  }

  /** The inverse of a lower-triangular {@code l x l} matrix, as floats (forward substitution per column). */
  static float[] invertLower(double[] c, int l) {
    double[] inv = new double[l * l];
    for (int col = 0; col < l; col++) {
      for (int i = col; i < l; i++) {
        double s = i == col ? 1 : 0;
        for (int p = col; p < i; p++) {
          s -= c[i * l + p] * inv[p * l + col];
        }
        inv[i * l + col] = s / c[i * l + i];
      }
    }
    float[] f = new float[l * l];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) inv[i];
    }
    return f;
  }
}
