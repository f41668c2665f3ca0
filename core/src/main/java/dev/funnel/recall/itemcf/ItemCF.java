package dev.funnel.recall.itemcf;

import dev.funnel.data.Interactions;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.neighbors.Accumulator;
import dev.funnel.recall.neighbors.ItemNeighborModel;
import dev.funnel.recall.neighbors.NeighborLists;
import dev.funnel.util.Parallel;
import dev.funnel.util.TopK;
import java.io.DataInput;
import java.io.IOException;

/**
 * Item-based collaborative filtering (Sarwar et al., WWW 2001; Deshpande &amp; Karypis, TOIS 2004)
 * with the asymmetric cosine of Aiolli (RecSys 2013) and shrinkage (Koren, KDD 2008):
 *
 * <pre>
 *   sim(i, j) = ( C_ij / (W_i^alpha · W_j^(1-alpha) + shrink) )^exponent
 *   C_ij = sum over u in U_i ∩ U_j of w_u,   W_i = sum over u in U_i of w_u
 *   w_u  = 1 / log(1 + |I_u|) with iuf, else 1      (so W_i = |U_i| without iuf)
 * </pre>
 *
 * kept as the top-N list per item (optionally divided by its maximum), and scored with
 * {@code score(u, j) = sum over i in I_u of sim(i, j)} by {@link ItemNeighborModel}.
 *
 * <p>Training computes one row of the sparse product Aᵀ·A per item (CSC column of i, then the CSR
 * rows of its users) into a dense per-thread accumulator, in parallel over items:
 * O(sum over users of |I_u|²) additions.
 */
public final class ItemCF implements RecallAlgorithm<ItemCFConfig> {
  public static final String NAME = "itemcf";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "item-based CF: shrunk asymmetric cosine, top-N neighbours per item";
  }

  @Override
  public ItemCFConfig defaultConfig() {
    return ItemCFConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, ItemCFConfig config, TrainContext context) {
    int numItems = train.numItems();
    int numUsers = train.numUsers();
    float[] userWeight = new float[numUsers];
    for (int u = 0; u < numUsers; u++) {
      int d = train.userDegree(u);
      userWeight[u] = config.iuf() && d > 0 ? (float) (1.0 / Math.log(1.0 + d)) : 1f;
    }
    int[] iPtr = train.itemPtr();
    int[] iUsers = train.itemUsers();
    double[] normFrom = new double[numItems];
    double[] normTo = new double[numItems];
    for (int i = 0; i < numItems; i++) {
      double w = 0;
      for (int q = iPtr[i]; q < iPtr[i + 1]; q++) {
        w += userWeight[iUsers[q]];
      }
      normFrom[i] = Math.pow(w, config.alpha());
      normTo[i] = Math.pow(w, 1 - config.alpha());
    }
    int[] uPtr = train.userPtr();
    int[] uItems = train.userItems();
    int threads = context.threads();
    Accumulator[] accs = new Accumulator[threads];
    TopK[] tops = new TopK[threads];
    int[][] rowIds = new int[numItems][];
    float[][] rowSims = new float[numItems][];
    double shrink = config.shrink();
    double exponent = config.exponent();
    context.progress().start("itemcf similarities", numItems);
    Parallel.forRange(numItems, threads, 64, (worker, from, to) -> {
      if (accs[worker] == null) {
        accs[worker] = new Accumulator(numItems);
        tops[worker] = new TopK(Math.min(config.neighbors(), numItems));
      }
      Accumulator acc = accs[worker];
      for (int i = from; i < to; i++) {
        acc.clear();
        for (int q = iPtr[i]; q < iPtr[i + 1]; q++) {
          int u = iUsers[q];
          float w = userWeight[u];
          for (int p = uPtr[u]; p < uPtr[u + 1]; p++) {
            acc.add(uItems[p], w);
          }
        }
        double ni = normFrom[i];
        // The exponent is monotone, so it is applied to the N selected only (pow is costly).
        ScoredItems best = acc.select(tops[worker], i, (j, c) -> (float) (c / (ni * normTo[j] + shrink)), false);
        Accumulator.sharpen(best.scores(), exponent, config.normalize());
        rowIds[i] = best.items();
        rowSims[i] = best.scores();
      }
      context.progress().advance(to - from);
    });
    NeighborLists lists = NeighborLists.of(rowIds, rowSims);
    context.progress().finish(lists.total() + " neighbours for " + numItems + " items");
    return new ItemNeighborModel(NAME, config, train, lists, config.binary());
  }

  @Override
  public RecallModel read(DataInput in, ItemCFConfig config, Interactions train) throws IOException {
    return ItemNeighborModel.read(NAME, config, train, in, config.binary());
  }
}
