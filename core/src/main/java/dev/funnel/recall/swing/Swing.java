package dev.funnel.recall.swing;

import dev.funnel.data.Interactions;
import dev.funnel.recall.RecallAlgorithm;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.neighbors.Accumulator;
import dev.funnel.recall.neighbors.ItemNeighborModel;
import dev.funnel.recall.neighbors.NeighborLists;
import dev.funnel.util.Mix;
import dev.funnel.util.Parallel;
import dev.funnel.util.TopK;
import java.io.DataInput;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Swing (Yang et al., "Large Scale Product Graph Construction for Recommendation in E-commerce",
 * arXiv:2010.05525, Alibaba): two items are similar when pairs of users who share few items both
 * took them, a "swing" that is stronger evidence than a pair of heavy users:
 *
 * <pre>
 *   sim(i, j) = sum over u, v in U_i ∩ U_j, u &lt; v, of  w_u · w_v / (alpha + |I_u ∩ I_v|)
 *   w_u = (|I_u| + offset)^(-exponent)
 * </pre>
 *
 * For each item i, every pair of its users is intersected once (I_u marked in a stamp array, I_v scanned) and the
 * pair's weight is added to every other item j in that intersection: these are exactly the j with
 * u, v in U_j. Cost is bounded by sampling at most {@code maxUsersPerItem} users per item and
 * {@code maxItemsPerUser} items per user, both seeded by {@link TrainContext#seed()} (per item and
 * per user, so the result does not depend on the thread count). Scoring is ItemCF's, over the top-N
 * lists ({@link ItemNeighborModel}).
 */
public final class Swing implements RecallAlgorithm<SwingConfig> {
  public static final String NAME = "swing";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String summary() {
    return "Swing item-item similarity over user pairs (Alibaba), top-N neighbours per item";
  }

  @Override
  public SwingConfig defaultConfig() {
    return SwingConfig.defaults();
  }

  @Override
  public RecallModel train(Interactions train, SwingConfig config, TrainContext context) {
    int numUsers = train.numUsers();
    int numItems = train.numItems();
    int[] uPtr = train.userPtr();
    int[] uItems = train.userItems();
    long seed = context.seed();
    // Each user's items, sampled down to maxItemsPerUser, ascending (for merges).
    int[] capPtr = new int[numUsers + 1];
    for (int u = 0; u < numUsers; u++) {
      capPtr[u + 1] = capPtr[u] + Math.min(train.userDegree(u), config.maxItemsPerUser());
    }
    int[] capItems = new int[capPtr[numUsers]];
    float[] userWeight = new float[numUsers];
    for (int u = 0; u < numUsers; u++) {
      int d = train.userDegree(u);
      userWeight[u] = (float) Math.pow(d + config.userWeightOffset(), -config.userWeightExponent());
      int keep = capPtr[u + 1] - capPtr[u];
      if (keep == d) {
        System.arraycopy(uItems, uPtr[u], capItems, capPtr[u], d);
      } else {
        int[] sample = sample(uItems, uPtr[u], d, keep, new SplittableRandom(Mix.seedFor(seed, u)));
        System.arraycopy(sample, 0, capItems, capPtr[u], keep);
      }
    }
    int[] iPtr = train.itemPtr();
    int[] iUsers = train.itemUsers();
    int threads = context.threads();
    Accumulator[] accs = new Accumulator[threads];
    TopK[] tops = new TopK[threads];
    int[][] scratch = new int[threads][];
    int[][] marks = new int[threads][];
    int[] stamps = new int[threads];
    int[][] rowIds = new int[numItems][];
    float[][] rowSims = new float[numItems][];
    double alpha = config.alpha();
    context.progress().start("swing similarities", numItems);
    Parallel.forRange(numItems, threads, 16, (worker, from, to) -> {
      if (accs[worker] == null) {
        accs[worker] = new Accumulator(numItems);
        tops[worker] = new TopK(Math.min(config.neighbors(), numItems));
        scratch[worker] = new int[Math.min(numItems, config.maxItemsPerUser())];
        marks[worker] = new int[numItems];
      }
      Accumulator acc = accs[worker];
      int[] common = scratch[worker];
      int[] mark = marks[worker];
      for (int i = from; i < to; i++) {
        acc.clear();
        int d = iPtr[i + 1] - iPtr[i];
        int[] users = d <= config.maxUsersPerItem()
            ? Arrays.copyOfRange(iUsers, iPtr[i], iPtr[i + 1])
            : sample(iUsers, iPtr[i], d, config.maxUsersPerItem(), new SplittableRandom(Mix.seedFor(~seed, i)));
        for (int a = 0; a < users.length; a++) {
          int u = users[a];
          float wu = userWeight[u];
          // Mark I_u once; each pair then costs one scan of I_v (the intersection comes out ascending).
          int stamp = ++stamps[worker];
          if (stamp == Integer.MAX_VALUE) {
            Arrays.fill(mark, 0);
            stamps[worker] = stamp = 1;
          }
          for (int p = capPtr[u]; p < capPtr[u + 1]; p++) {
            mark[capItems[p]] = stamp;
          }
          for (int b = a + 1; b < users.length; b++) {
            int v = users[b];
            int c = 0;
            for (int p = capPtr[v]; p < capPtr[v + 1]; p++) {
              int j = capItems[p];
              if (mark[j] == stamp) {
                common[c++] = j;
              }
            }
            float w = (float) (wu * userWeight[v] / (alpha + c));
            for (int n = 0; n < c; n++) {
              int j = common[n];
              if (j != i) {
                acc.add(j, w);
              }
            }
          }
        }
        ScoredItems best = acc.select(tops[worker], i, (j, s) -> s, config.normalize());
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
  public RecallModel read(DataInput in, SwingConfig config, Interactions train) throws IOException {
    return ItemNeighborModel.read(NAME, config, train, in, config.binary());
  }

  /** {@code keep} distinct entries of {@code src[from, from+length)} chosen uniformly, ascending. */
  private static int[] sample(int[] src, int from, int length, int keep, SplittableRandom rng) {
    int[] pool = Arrays.copyOfRange(src, from, from + length);
    for (int n = 0; n < keep; n++) {
      int r = n + rng.nextInt(length - n);
      int t = pool[n];
      pool[n] = pool[r];
      pool[r] = t;
    }
    int[] out = Arrays.copyOf(pool, keep);
    Arrays.sort(out);
    return out;
  }

}
