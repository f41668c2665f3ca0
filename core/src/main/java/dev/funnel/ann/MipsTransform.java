package dev.funnel.ann;

import dev.funnel.kernel.VectorKernels;

/**
 * Maximum-inner-product search reduced to nearest-neighbour search (Bachrach et al., "Speeding Up
 * the Xbox Recommender System Using a Euclidean Transformation for Inner-Product Spaces", RecSys
 * 2014): every item x gets one more coordinate {@code sqrt(M² - ‖x‖²)}, M the largest item norm, so
 * all items lie on the sphere of radius M; a query q gets 0. Then
 * {@code ‖q' - x'‖² = ‖q‖² + M² - 2<q, x>}, so for a fixed query the L2 order of the augmented
 * vectors is the inner-product order of the originals, and a metric index (graph pruning, k-means)
 * sees a true distance. Indexes can also search inner product directly ({@link
 * Similarity#INNER_PRODUCT}, as hnswlib does); the transform is the alternative to compare.
 */
public final class MipsTransform {
  private MipsTransform() {}

  /** {@code rows x (dim + 1)}: each item row followed by {@code sqrt(M² - ‖x‖²)} (computed in double). */
  public static float[] items(VectorKernels k, float[] vectors, int rows, int dim) {
    double[] sq = new double[rows];
    double max = 0;
    for (int r = 0; r < rows; r++) {
      double n = k.norm(vectors, r * dim, dim);
      sq[r] = n * n;
      max = Math.max(max, sq[r]);
    }
    int d1 = dim + 1;
    float[] out = new float[rows * d1];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(vectors, r * dim, out, r * d1, dim);
      out[r * d1 + dim] = (float) Math.sqrt(Math.max(0, max - sq[r]));
    }
    return out;
  }

  /** {@code rows x (dim + 1)}: each query row followed by 0. */
  public static float[] queries(float[] queries, int rows, int dim) {
    int d1 = dim + 1;
    float[] out = new float[rows * d1];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(queries, r * dim, out, r * d1, dim);
    }
    return out;
  }
}
