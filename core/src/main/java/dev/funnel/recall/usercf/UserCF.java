package dev.funnel.recall.usercf;

import dev.funnel.data.Interactions;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.neighbors.Accumulator;
import dev.funnel.recall.neighbors.NeighborLists;
import dev.funnel.util.Parallel;
import dev.funnel.util.TopK;
import java.io.DataInput;
import java.io.IOException;

/**
 * User-based collaborative filtering (Resnick et al., GroupLens 1994; Herlocker et al., SIGIR 1999)
 * with shrunk cosine:
 *
 * <pre>
 *   sim(u, v) = ( C_uv / (sqrt(W_u · W_v) + shrink) )^exponent
 *   C_uv = sum over i in I_u ∩ I_v of w_i,   W_u = sum over i in I_u of w_i
 *   w_i  = 1 / log(1 + |U_i|) with iuf, else 1
 *   score(u, j) = sum over v in N(u) with j in I_v of sim(u, v)
 * </pre>
 *
 * Training: one row of A·Aᵀ per user in a per-thread dense accumulator, O(sum over items of |U_i|²).
 */
public final class UserCF implements RecallAlgorithm<UserCFConfig> {
  public static final String NAME = "usercf";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "user-based CF: shrunk cosine, top-N neighbours per user";
  }

  @Override
  public UserCFConfig defaultConfig() {
    return UserCFConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, UserCFConfig config, TrainContext context) {
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    float[] itemWeight = new float[numItems];
    for (int i = 0; i < numItems; i++) {
      int d = train.itemDegree(i);
      itemWeight[i] = config.iuf() && d > 0 ? (float) (1.0 / Math.log(1.0 + d)) : 1f;
    }
    int[] uPtr = train.userPtr();
    int[] uItems = train.userItems();
    int[] iPtr = train.itemPtr();
    int[] iUsers = train.itemUsers();
    double[] norm = new double[numUsers];
    for (int u = 0; u < numUsers; u++) {
      double w = 0;
      for (int p = uPtr[u]; p < uPtr[u + 1]; p++) {
        w += itemWeight[uItems[p]];
      }
      norm[u] = Math.sqrt(w);
    }
    int threads = context.threads();
    Accumulator[] accs = new Accumulator[threads];
    TopK[] tops = new TopK[threads];
    int[][] rowIds = new int[numUsers][];
    float[][] rowSims = new float[numUsers][];
    double shrink = config.shrink();
    double exponent = config.exponent();
    context.progress().start("usercf similarities", numUsers);
    Parallel.forRange(numUsers, threads, 64, (worker, from, to) -> {
      if (accs[worker] == null) {
        accs[worker] = new Accumulator(numUsers);
        tops[worker] = new TopK(Math.min(config.neighbors(), numUsers));
      }
      Accumulator acc = accs[worker];
      for (int u = from; u < to; u++) {
        acc.clear();
        for (int p = uPtr[u]; p < uPtr[u + 1]; p++) {
          int i = uItems[p];
          float w = itemWeight[i];
          for (int q = iPtr[i]; q < iPtr[i + 1]; q++) {
            acc.add(iUsers[q], w);
          }
        }
        double nu = norm[u];
        ScoredItems best = acc.select(tops[worker], u, (v, c) -> (float) (c / (nu * norm[v] + shrink)), false);
        Accumulator.sharpen(best.scores(), exponent, false);
        rowIds[u] = best.items();
        rowSims[u] = best.scores();
      }
      context.progress().advance(to - from);
    });
    NeighborLists lists = NeighborLists.of(rowIds, rowSims);
    context.progress().finish(lists.total() + " neighbours for " + numUsers + " users");
    return new UserCFModel(config, train, lists);
  }

  @Override
  public RecallModel read(DataInput in, UserCFConfig config, Interactions train) throws IOException {
    return new UserCFModel(config, train, NeighborLists.readFrom(in, train.numUsers(), train.numUsers()));
  }
}
