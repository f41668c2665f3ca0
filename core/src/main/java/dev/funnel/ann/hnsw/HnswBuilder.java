package dev.funnel.ann.hnsw;

import dev.funnel.ann.Similarity;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.ItemFilter;
import dev.funnel.util.Parallel;
import java.util.SplittableRandom;

/**
 * Concurrent HNSW construction (Malkov and Yashunin, Algorithm 1, with the neighbour-selection
 * heuristic of Algorithm 4), as hnswlib does it: every node's level is drawn up front from
 * {@code floor(-ln(U) / ln(m))}; nodes are inserted on all threads; a node's link lists are guarded
 * by a lock stripe and only one stripe is ever held at a time (no deadlock); a node that would raise
 * the top level holds the global lock for its whole insertion (this happens about log_m(n) times).
 */
final class HnswBuilder {
  private static final int MAX_LEVEL = 30;
  private final HnswGraph g;
  private final Object global = new Object();
  private final ThreadLocal<int[][]> overflow;

  private HnswBuilder(HnswGraph g) {
    this.g = g;
    this.overflow = ThreadLocal.withInitial(() -> new int[][] {new int[g.maxM0 + 1], new int[g.maxM0 + 1]});
  }

  static HnswGraph build(float[] vectors, int dim, Similarity similarity, HnswConfig config, int threads, VectorKernels kernels) {
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    if (vectors.length % dim != 0) {
      throw new IllegalArgumentException("vectors hold " + vectors.length + " floats, not a multiple of dim=" + dim);
    }
    int n = vectors.length / dim;
    int m = config.m();
    int stride = HnswGraph.strideFor(m, dim);
    if ((long) n * stride > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("too many vectors for one HNSW block: " + n + " x " + stride + " floats exceeds 2^31");
    }
    float[] block = new float[n * stride];
    int vecOff = 1 + 2 * m;
    for (int i = 0; i < n; i++) {
      System.arraycopy(vectors, i * dim, block, i * stride + vecOff, dim);
      similarity.prepare(kernels, block, i * stride + vecOff, dim);
    }
    int[] levels = new int[n];
    int[][] upper = new int[n][];
    double ml = 1.0 / Math.log(m);
    SplittableRandom rnd = new SplittableRandom(config.seed());
    for (int i = 0; i < n; i++) {
      int level = (int) Math.min(MAX_LEVEL, Math.floor(-Math.log(1.0 - rnd.nextDouble()) * ml));
      levels[i] = level;
      if (level > 0) {
        upper[i] = new int[level * (m + 1)];
      }
    }
    HnswGraph g = new HnswGraph(similarity, dim, n, m, config.efConstruction(), block, levels, upper, 0, n == 0 ? -1 : levels[0],
        kernels);
    if (n <= 1) {
      return g;
    }
    g.locks = new Object[Integer.highestOneBit(Math.min(1 << 16, n - 1)) << 1];
    for (int i = 0; i < g.locks.length; i++) {
      g.locks[i] = new Object();
    }
    HnswBuilder b = new HnswBuilder(g);
    Parallel.forRange(n - 1, threads, 64, (w, from, to) -> {
      for (int i = from; i < to; i++) {
        b.insert(i + 1);
      }
    });
    g.locks = null;
    return g;
  }

  private void insert(int node) {
    int level = g.levels[node];
    boolean holdGlobal;
    int ep;
    int top;
    synchronized (global) {
      ep = g.entryPoint;
      top = g.maxLevel;
      holdGlobal = level > top;
    }
    if (holdGlobal) {
      synchronized (global) {
        ep = g.entryPoint;
        top = g.maxLevel;
        link(node, level, ep, top);
        if (level > g.maxLevel) {
          g.entryPoint = node;
          g.maxLevel = level;
        }
      }
    } else {
      link(node, level, ep, top);
    }
  }

  private void link(int node, int level, int ep, int top) {
    HnswGraph.Scratch s = g.scratch();
    float[] q = g.block;
    int qOff = g.vectorOffset(node);
    int cur = ep;
    for (int l = top; l > level; l--) {
      cur = g.greedy(q, qOff, cur, l, s);
    }
    for (int l = Math.min(level, top); l >= 0; l--) {
      g.searchLayer(q, qOff, cur, l, g.efConstruction, ItemFilter.ALL, s);
      ScoreHeap res = s.results;
      int n = res.size();
      if (s.tmpIds.length < n) {
        s.tmpIds = new int[n];
        s.tmpScores = new float[n];
      }
      // Worst on top: fill from the end so the arrays are best first.
      for (int r = n - 1; r >= 0; r--) {
        s.tmpIds[r] = res.topNode();
        s.tmpScores[r] = -res.topScore();
        res.pop();
      }
      cur = s.tmpIds[0];
      int sel = select(s.tmpIds, s.tmpScores, n, g.m, s.selIds);
      Object[] locks = g.locks;
      synchronized (locks[node & (locks.length - 1)]) {
        g.setLinks(node, l, s.selIds, sel);
      }
      for (int j = 0; j < sel; j++) {
        connect(s.selIds[j], node, l);
      }
    }
  }

  /**
   * Malkov's heuristic (Algorithm 4 without extension or kept pruned connections): walk the
   * candidates best first and keep one only if it is closer to the base than to every neighbour
   * kept so far, so links spread in different directions instead of clustering.
   */
  private int select(int[] ids, float[] scores, int n, int max, int[] out) {
    int cnt = 0;
    for (int i = 0; i < n && cnt < max; i++) {
      int e = ids[i];
      float se = scores[i];
      boolean good = true;
      for (int j = 0; j < cnt; j++) {
        if (g.scoreNodes(e, out[j]) > se) {
          good = false;
          break;
        }
      }
      if (good) {
        out[cnt++] = e;
      }
    }
    return cnt;
  }

  /** Adds {@code node} to {@code nbr}'s links at level l, re-selecting them when full. */
  private void connect(int nbr, int node, int l) {
    int cap = l == 0 ? g.maxM0 : g.m;
    int[][] ov = overflow.get();
    int[] ids = ov[0];
    int[] out = ov[1];
    HnswGraph.Scratch s = g.scratch();
    float[] sc = s.selScores;
    Object[] locks = g.locks;
    synchronized (locks[nbr & (locks.length - 1)]) {
      int n = copy(nbr, l, ids);
      for (int j = 0; j < n; j++) {
        if (ids[j] == node) {
          return;
        }
      }
      if (n < cap) {
        ids[n] = node;
        g.setLinks(nbr, l, ids, n + 1);
        return;
      }
      ids[n] = node;
      n++;
      for (int j = 0; j < n; j++) {
        sc[j] = g.scoreNodes(nbr, ids[j]);
      }
      // Insertion sort, best first (n <= 2m + 1).
      for (int i = 1; i < n; i++) {
        int id = ids[i];
        float v = sc[i];
        int j = i - 1;
        while (j >= 0 && sc[j] < v) {
          ids[j + 1] = ids[j];
          sc[j + 1] = sc[j];
          j--;
        }
        ids[j + 1] = id;
        sc[j + 1] = v;
      }
      int sel = select(ids, sc, n, cap, out);
      g.setLinks(nbr, l, out, sel);
    }
  }

  private int copy(int node, int level, int[] into) {
    if (level == 0) {
      int off = node * g.stride;
      int n = Float.floatToRawIntBits(g.block[off]);
      for (int j = 0; j < n; j++) {
        into[j] = Float.floatToRawIntBits(g.block[off + 1 + j]);
      }
      return n;
    }
    int[] u = g.upper[node];
    int off = (level - 1) * (g.m + 1);
    int n = u[off];
    System.arraycopy(u, off + 1, into, 0, n);
    return n;
  }
}
