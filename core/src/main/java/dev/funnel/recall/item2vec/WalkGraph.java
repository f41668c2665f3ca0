package dev.funnel.recall.item2vec;

import dev.funnel.data.Interactions;
import dev.funnel.recall.ScoredItems;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.neighbors.Accumulator;
import dev.funnel.train.WorkerRandom;
import dev.funnel.util.Parallel;
import dev.funnel.util.TopK;

/**
 * The weighted item graph that EGES and DeepWalk walk on (Wang et al., KDD 2018, section 2.2): an
 * edge i -> j weighted by the number of users who have both, keeping each item's strongest
 * {@code neighbors} edges. Each node's out-edges carry an alias table (Walker 1977), so a step costs
 * O(1) whatever the degree.
 */
final class WalkGraph {
  private final int[] ptr;
  private final int[] ids;
  private final float[] prob;
  private final int[] alias;

  private WalkGraph(int[] ptr, int[] ids, float[] prob, int[] alias) {
    this.ptr = ptr;
    this.ids = ids;
    this.prob = prob;
    this.alias = alias;
  }

  /** Co-occurrence counts (one row of AᵀA per item, as ItemCF computes them), top {@code neighbors} per item. */
  static WalkGraph build(Interactions train, int neighbors, TrainContext context) {
    int numItems = train.numItems();
    int[] iPtr = train.itemPtr();
    int[] iUsers = train.itemUsers();
    int[] uPtr = train.userPtr();
    int[] uItems = train.userItems();
    int threads = context.threads();
    Accumulator[] accs = new Accumulator[threads];
    TopK[] tops = new TopK[threads];
    int[][] rowIds = new int[numItems][];
    float[][] rowWeights = new float[numItems][];
    Parallel.forRange(numItems, threads, 64, (worker, from, to) -> {
      if (accs[worker] == null) {
        accs[worker] = new Accumulator(numItems);
        tops[worker] = new TopK(Math.min(neighbors, Math.max(1, numItems)));
      }
      Accumulator acc = accs[worker];
      for (int i = from; i < to; i++) {
        acc.clear();
        for (int q = iPtr[i]; q < iPtr[i + 1]; q++) {
          int u = iUsers[q];
          for (int p = uPtr[u]; p < uPtr[u + 1]; p++) {
            acc.add(uItems[p], 1f);
          }
        }
        ScoredItems best = acc.select(tops[worker], i, (j, c) -> c, false);
        rowIds[i] = best.items();
        rowWeights[i] = best.scores();
      }
    });
    return of(rowIds, rowWeights);
  }

  /** A graph from explicit weighted out-edges (weights positive). */
  static WalkGraph of(int[][] rowIds, float[][] rowWeights) {
    int n = rowIds.length;
    int[] ptr = new int[n + 1];
    for (int i = 0; i < n; i++) {
      ptr[i + 1] = ptr[i] + rowIds[i].length;
    }
    int[] ids = new int[ptr[n]];
    float[] prob = new float[ptr[n]];
    int[] alias = new int[ptr[n]];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rowIds[i], 0, ids, ptr[i], rowIds[i].length);
      buildAlias(rowWeights[i], prob, alias, ptr[i]);
    }
    return new WalkGraph(ptr, ids, prob, alias);
  }

  /** Vose's alias method over one row; {@code alias} holds positions within the row. */
  private static void buildAlias(float[] w, float[] prob, int[] alias, int off) {
    int n = w.length;
    if (n == 0) {
      return;
    }
    double sum = 0;
    for (float x : w) {
      sum += x;
    }
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int ns = 0;
    int nl = 0;
    for (int k = 0; k < n; k++) {
      scaled[k] = w[k] * n / sum;
      if (scaled[k] < 1) {
        small[ns++] = k;
      } else {
        large[nl++] = k;
      }
    }
    while (ns > 0 && nl > 0) {
      int s = small[--ns];
      int l = large[--nl];
      prob[off + s] = (float) scaled[s];
      alias[off + s] = l;
      scaled[l] = scaled[l] + scaled[s] - 1;
      if (scaled[l] < 1) {
        small[ns++] = l;
      } else {
        large[nl++] = l;
      }
    }
    while (nl > 0) {
      int l = large[--nl];
      prob[off + l] = 1f;
      alias[off + l] = l;
    }
    while (ns > 0) { // rounding leftovers
      int s = small[--ns];
      prob[off + s] = 1f;
      alias[off + s] = s;
    }
  }

  int numItems() {
    return ptr.length - 1;
  }

  int degree(int item) {
    return ptr[item + 1] - ptr[item];
  }

  /** One weighted step from {@code item}, or -1 when it has no edges. */
  int step(int item, WorkerRandom random) {
    int from = ptr[item];
    int n = ptr[item + 1] - from;
    if (n == 0) {
      return -1;
    }
    int k = random.nextInt(n);
    return ids[from + (random.nextFloat() < prob[from + k] ? k : alias[from + k])];
  }

  /** A walk of at most {@code length} items starting at {@code start} into {@code out}; returns its length. */
  int walk(int start, int length, WorkerRandom random, int[] out) {
    int n = 0;
    int at = start;
    while (n < length && at >= 0) {
      out[n++] = at;
      at = step(at, random);
    }
    return n;
  }
}
