package dev.funnel.ann;

import dev.funnel.kernel.VectorKernels;
import dev.funnel.util.Parallel;
import java.util.SplittableRandom;

/**
 * Lloyd's k-means in L2 (the coarse quantizer of IVF and the codebooks of PQ): centroids
 * initialised from distinct random rows, assignment by {@code argmin ||c||^2 - 2<x, c>} with the
 * batched dot kernel, an empty cluster re-seeded from a random row. Deterministic for a seed and a
 * thread count of 1; with more threads only the summation order of the means changes.
 */
public final class KMeans {
  private KMeans() {}

  /** {@code k x dim} centroids of the {@code n} rows of {@code data} (row-major, {@code stride} floats apart). */
  public static float[] train(float[] data, int n, int dim, int k, int iters, long seed, int threads, VectorKernels kernels) {
    if (n <= 0 || k <= 0) {
      throw new IllegalArgumentException("k-means needs rows and clusters; n=" + n + ", k=" + k);
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    float[] c = new float[k * dim];
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = 0; i < Math.min(k, n); i++) {
      int j = i + rnd.nextInt(n - i);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
      System.arraycopy(data, perm[i] * dim, c, i * dim, dim);
    }
    for (int i = n; i < k; i++) {
      // Fewer rows than clusters: duplicates, harmless (they stay empty).
      System.arraycopy(data, rnd.nextInt(n) * dim, c, i * dim, dim);
    }
    int[] assign = new int[n];
    for (int it = 0; it < iters; it++) {
      assign(data, n, dim, c, k, assign, threads, kernels);
      float[] sum = new float[k * dim];
      int[] count = new int[k];
      for (int i = 0; i < n; i++) {
        int a = assign[i];
        count[a]++;
        kernels.axpy(1f, data, i * dim, sum, a * dim, dim);
      }
      for (int j = 0; j < k; j++) {
        if (count[j] == 0) {
          System.arraycopy(data, rnd.nextInt(n) * dim, c, j * dim, dim);
        } else {
          float inv = 1f / count[j];
          for (int d = 0; d < dim; d++) {
            c[j * dim + d] = sum[j * dim + d] * inv;
          }
        }
      }
    }
    return c;
  }

  /** Nearest centroid (L2) of every row into {@code out}. */
  public static void assign(float[] data, int n, int dim, float[] centroids, int k, int[] out, int threads, VectorKernels kernels) {
    float[] norms = new float[k];
    for (int j = 0; j < k; j++) {
      norms[j] = kernels.sumOfSquares(centroids, j * dim, dim);
    }
    Parallel.forRange(n, threads, 256, (w, from, to) -> {
      float[] dots = new float[k];
      for (int i = from; i < to; i++) {
        kernels.dotRows(data, i * dim, centroids, 0, k, dim, dots, 0);
        int best = 0;
        float bestD = Float.POSITIVE_INFINITY;
        for (int j = 0; j < k; j++) {
          float d = norms[j] - 2f * dots[j];
          if (d < bestD) {
            bestD = d;
            best = j;
          }
        }
        out[i] = best;
      }
    });
  }
}
