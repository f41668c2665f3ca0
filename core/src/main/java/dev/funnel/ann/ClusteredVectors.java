package dev.funnel.ann;

import java.util.Random;

/**
 * The seeded synthetic set of issue 9: {@code clusters} centroids drawn from N(0, 1) per
 * coordinate, each vector a uniformly chosen centroid plus N(0, noise^2) per coordinate, optionally
 * L2-normalised. Generating {@code n + queries} rows and holding out the last ones gives queries from
 * the same distribution as the data.
 */
public final class ClusteredVectors {
  private ClusteredVectors() {}

  /** {@code rows x dim} row-major. */
  public static float[] generate(int rows, int dim, int clusters, double noise, boolean normalize, long seed) {
    if (rows < 0 || dim <= 0 || clusters <= 0 || noise < 0) {
      throw new IllegalArgumentException("need rows >= 0, dim > 0, clusters > 0, noise >= 0; rows=" + rows + ", dim=" + dim
          + ", clusters=" + clusters + ", noise=" + noise);
    }
    Random rnd = new Random(seed);
    double[] centroids = new double[clusters * dim];
    for (int i = 0; i < centroids.length; i++) {
      centroids[i] = rnd.nextGaussian();
    }
    float[] out = new float[Math.multiplyExact(rows, dim)];
    for (int r = 0; r < rows; r++) {
      int c = rnd.nextInt(clusters);
      double norm = 0;
      for (int d = 0; d < dim; d++) {
        double v = centroids[c * dim + d] + noise * rnd.nextGaussian();
        out[r * dim + d] = (float) v;
        norm += v * v;
      }
      if (normalize && norm > 0) {
        float inv = (float) (1.0 / Math.sqrt(norm));
        for (int d = 0; d < dim; d++) {
          out[r * dim + d] *= inv;
        }
      }
    }
    return out;
  }

  /** Mean fraction of {@code truth[q]}'s first k ids found in {@code found[q]}'s first k: recall@k. */
  public static double recall(int[][] truth, int[][] found, int k) {
    double sum = 0;
    for (int q = 0; q < truth.length; q++) {
      int hits = 0;
      int kt = Math.min(k, truth[q].length);
      for (int a = 0; a < kt; a++) {
        for (int b = 0; b < Math.min(k, found[q].length); b++) {
          if (truth[q][a] == found[q][b]) {
            hits++;
            break;
          }
        }
      }
      sum += kt == 0 ? 1.0 : (double) hits / kt;
    }
    return truth.length == 0 ? 1.0 : sum / truth.length;
  }
}
