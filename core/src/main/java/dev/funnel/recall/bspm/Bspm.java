package dev.funnel.recall.bspm;

import dev.funnel.data.Interactions;
import dev.funnel.io.BinaryIO;
import dev.funnel.kernel.Kernels;
import dev.funnel.linalg.SubspaceIteration;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.neighbors.ItemNeighborModel;
import dev.funnel.recall.neighbors.NeighborLists;
import dev.funnel.util.Parallel;
import dev.funnel.util.TopK;
import java.io.DataInput;
import java.io.IOException;

/**
 * Graph-filter collaborative filtering: BSPM, the blurring-sharpening process model (Choi et al.,
 * "Blurring-Sharpening Process Models for Collaborative Filtering", SIGIR 2023), which contains
 * GF-CF (Shen et al., "How Powerful is Graph Convolution for Recommendation?", CIKM 2021) as its
 * sharpening-free case. With {@code R̃ = D_U^-1/2 R D_I^-1/2}, {@code P̃ = R̃ᵀR̃} and V the top right
 * singular vectors of R̃, a user's binary row r is scored by
 *
 * <pre>
 *   s(0) = r P̃ + β r D_I^-1/2 V Vᵀ D_I^1/2        (blur: the linear filter plus the ideal low-pass)
 *   ds/dt = -s(t) P̃  on [0, T_s]                   (sharpening, Euler or RK4 in K_s steps)
 *   score = s(T_s)
 * </pre>
 *
 * as in the authors' code with {@code final_sharpening=True} (the low-pass term is sharpened too),
 * blurring by one Euler step of length 1 and the low-pass filter as a projection. Nothing is learned
 * by gradient descent: training is the truncated SVD, by {@link SubspaceIteration} on P̃.
 */
public final class Bspm implements RecallAlgorithm<BspmConfig> {
  public static final String NAME = "bspm";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "graph filter (BSPM, GF-CF): normalised item-item filter + ideal low-pass, sharpened by an ODE";
  }

  @Override
  public BspmConfig defaultConfig() {
    return BspmConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, BspmConfig config, TrainContext context) {
    NormalizedRatings ratings = new NormalizedRatings(train, Kernels.get(), context.threads());
    int k = Math.min(config.factors(), train.numItems());
    float[] factors = new float[0];
    float[] values = new float[0];
    if (k > 0 && config.idealWeight() > 0) {
      int oversample = Math.min(config.oversample(), train.numItems() - k);
      SubspaceIteration.Result eig = SubspaceIteration.topEigen(ratings.operator(), k, oversample, config.svdIterations(),
          context.seed(), context.threads(), context.progress());
      factors = eig.vectors();
      values = new float[k];
      for (int j = 0; j < k; j++) {
        values[j] = (float) eig.values()[j];
      }
    }
    BspmModel exact = new BspmModel(config, train, ratings, Kernels.get(), factors, values);
    return config.neighbors() > 0 ? truncate(exact, train, config, context) : exact;
  }

  /**
   * The exact model's item-item rows, each cut to its {@code neighbors} largest positive entries (the
   * item itself excluded, as in ItemCF's lists), served by {@link ItemNeighborModel}. The filter is
   * linear in the history, so summing an item's rows over a user's items is the exact score up to
   * the cut.
   */
  private static RecallModel truncate(BspmModel exact, Interactions train, BspmConfig config, TrainContext context) {
    int n = train.numItems();
    int keep = Math.min(config.neighbors(), n - 1);
    int[][] ids = new int[n][];
    float[][] sims = new float[n][];
    float[][] rows = new float[context.threads()][];
    TopK[] tops = new TopK[context.threads()];
    context.progress().start("bspm item rows", n);
    Parallel.forRange(n, context.threads(), BspmModel.BLOCK, (w, from, to) -> {
      if (rows[w] == null) {
        rows[w] = new float[BspmModel.BLOCK * n];
        tops[w] = new TopK(keep);
      }
      float[] block = rows[w];
      exact.scoreItemRows(from, to, block);
      for (int i = from; i < to; i++) {
        TopK top = tops[w];
        top.clear();
        int off = (i - from) * n;
        for (int j = 0; j < n; j++) {
          float v = block[off + j];
          if (j != i && v > 0f) {
            top.offer(j, v);
          }
        }
        ScoredItems best = top.drain();
        ids[i] = best.items();
        sims[i] = best.scores();
      }
      context.progress().advance(to - from);
    });
    NeighborLists lists = NeighborLists.of(ids, sims);
    context.progress().finish(lists.total() + " neighbours for " + n + " items");
    return new ItemNeighborModel(NAME, config, train, lists, true);
  }

  @Override
  public RecallModel read(DataInput in, BspmConfig config, Interactions train) throws IOException {
    if (config.neighbors() > 0) {
      return ItemNeighborModel.read(NAME, config, train, in, true);
    }
    int k = in.readInt();
    float[] values = BinaryIO.readFloats(in);
    float[] factors = BinaryIO.readFloats(in);
    if (values.length != k || factors.length != (long) k * train.numItems()) {
      throw new IOException("bspm payload: expected " + k + " eigenvalues and " + k + " x " + train.numItems()
          + " factors; found " + values.length + " and " + factors.length + " floats");
    }
    NormalizedRatings ratings = new NormalizedRatings(train, Kernels.get(), 1);
    return new BspmModel(config, train, ratings, Kernels.get(), factors, values);
  }
}
