package dev.funnel.ann.hnsw;

import dev.funnel.ann.Similarity;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.ItemFilter;

/**
 * The HNSW graph laid out the way hnswlib lays it out: level 0 is one flat {@code float[]} with a
 * fixed-stride block per node, {@code [count | maxM0 links | vector]}, the links stored as raw int
 * bits ({@link Float#floatToRawIntBits} is a register move). When a candidate is expanded its links
 * sit beside the vector that was read when it was scored, so they are usually in cache; a node costs
 * one block, not an object. Upper levels (about 1/m of the nodes) keep one {@code int[]} per node:
 * per level {@code [count | m links]}.
 *
 * <p>Search allocates nothing: each thread has a {@link Scratch} with a visited array stamped by
 * an epoch (a {@code char} per node like hnswlib's {@code unsigned short}, half the cache footprint
 * of an int; bumped per search, cleared only when it wraps after 65,535 searches) and two primitive
 * heaps. A node's unvisited neighbours are scored in one gathered kernel call
 * ({@link VectorKernels#dotMany}), which keeps the query in registers and overlaps the rows' loads.
 */
final class HnswGraph {
  final Similarity similarity;
  final int dim;
  final int size;
  final int m;
  final int maxM0;
  final int efConstruction;
  /** Floats per level-0 block, and where the vector starts inside it. */
  final int stride;
  final int vecOff;
  final float[] block;
  final int[] levels;
  final int[][] upper;
  int entryPoint;
  int maxLevel;
  final VectorKernels kernels;
  private final boolean l2;
  /** Per-node lock stripes while building; null once built (then the graph is read-only). */
  Object[] locks;
  private final ThreadLocal<Scratch> scratch;

  HnswGraph(Similarity similarity, int dim, int size, int m, int efConstruction, float[] block, int[] levels, int[][] upper,
      int entryPoint, int maxLevel, VectorKernels kernels) {
    this.similarity = similarity;
    this.dim = dim;
    this.size = size;
    this.m = m;
    this.maxM0 = 2 * m;
    this.efConstruction = efConstruction;
    this.vecOff = 1 + maxM0;
    this.stride = vecOff + dim;
    this.block = block;
    this.levels = levels;
    this.upper = upper;
    this.entryPoint = entryPoint;
    this.maxLevel = maxLevel;
    this.kernels = kernels;
    this.l2 = similarity == Similarity.L2;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(size, dim, Math.max(efConstruction, 64), maxM0));
  }

  static int strideFor(int m, int dim) {
    return 1 + 2 * m + dim;
  }

  Scratch scratch() {
    return scratch.get();
  }

  /** Score of node against q (higher is better). */
  float score(float[] q, int qOff, int node) {
    int off = node * stride + vecOff;
    return l2 ? -kernels.squaredDistance(q, qOff, block, off, dim) : kernels.dot(q, qOff, block, off, dim);
  }

  /** Scores of the vectors at {@code offsets} (block offsets) against q, higher is better. */
  void scoreMany(float[] q, int qOff, int[] offsets, int count, float[] out) {
    if (l2) {
      kernels.squaredDistanceMany(q, qOff, block, offsets, count, dim, out);
      for (int i = 0; i < count; i++) {
        out[i] = -out[i];
      }
    } else {
      kernels.dotMany(q, qOff, block, offsets, count, dim, out);
    }
  }

  /** Score between two stored nodes. */
  float scoreNodes(int a, int b) {
    return score(block, a * stride + vecOff, b);
  }

  int vectorOffset(int node) {
    return node * stride + vecOff;
  }

  /** Copies node's links at level into {@code into}; returns how many. Locks while building. */
  int links(int node, int level, int[] into) {
    Object[] lk = locks;
    if (lk != null) {
      synchronized (lk[node & (lk.length - 1)]) {
        return copyLinks(node, level, into);
      }
    }
    return copyLinks(node, level, into);
  }

  private int copyLinks(int node, int level, int[] into) {
    if (level == 0) {
      int off = node * stride;
      int n = Float.floatToRawIntBits(block[off]);
      for (int j = 0; j < n; j++) {
        into[j] = Float.floatToRawIntBits(block[off + 1 + j]);
      }
      return n;
    }
    int[] u = upper[node];
    int off = (level - 1) * (m + 1);
    int n = u[off];
    System.arraycopy(u, off + 1, into, 0, n);
    return n;
  }

  /** Writes links (caller holds the node's lock while building). */
  void setLinks(int node, int level, int[] src, int n) {
    if (level == 0) {
      int off = node * stride;
      for (int j = 0; j < n; j++) {
        block[off + 1 + j] = Float.intBitsToFloat(src[j]);
      }
      block[off] = Float.intBitsToFloat(n);
    } else {
      int[] u = upper[node];
      int off = (level - 1) * (m + 1);
      System.arraycopy(src, 0, u, off + 1, n);
      u[off] = n;
    }
  }

  /** Greedy descent from {@code ep} on one level (beam width 1); returns the best node found. */
  int greedy(float[] q, int qOff, int ep, int level, Scratch s) {
    int cur = ep;
    float curScore = score(q, qOff, cur);
    boolean changed = true;
    while (changed) {
      changed = false;
      int[] nbrs = s.nbrs;
      int n = links(cur, level, nbrs);
      int[] offs = s.pendingOffsets;
      for (int j = 0; j < n; j++) {
        offs[j] = nbrs[j] * stride + vecOff;
      }
      scoreMany(q, qOff, offs, n, s.pendingScores);
      for (int j = 0; j < n; j++) {
        int c = nbrs[j];
        float sc = s.pendingScores[j];
        if (sc > curScore) {
          curScore = sc;
          cur = c;
          changed = true;
        }
      }
    }
    return cur;
  }

  /**
   * Beam search on one level from {@code ep} (Malkov and Yashunin, Algorithm 2). Leaves up to
   * {@code ef} accepted nodes in {@code s.results} (negated scores: top is the worst). Rejected nodes
   * are still expanded, so the search walks through filtered-out regions; it stops only once
   * {@code ef} accepted results are held and the best open candidate is worse than all of them
   * (hnswlib's rule for filtered search).
   */
  void searchLayer(float[] q, int qOff, int ep, int level, int ef, ItemFilter filter, Scratch s) {
    char epoch = s.nextEpoch();
    char[] visited = s.visited;
    ScoreHeap cand = s.candidates;
    ScoreHeap res = s.results;
    cand.clear();
    res.clear();
    boolean all = filter == ItemFilter.ALL;
    float epScore = score(q, qOff, ep);
    visited[ep] = epoch;
    cand.push(ep, epScore);
    float lower = Float.NEGATIVE_INFINITY;
    if (all || filter.accept(ep)) {
      res.push(ep, -epScore);
      lower = epScore;
    }
    int[] nbrs = s.nbrs;
    // After the build, level-0 links are read in place from the node's block (no copy, no lock).
    boolean direct = level == 0 && locks == null;
    float[] blk = block;
    int[] pend = s.pending;
    int[] pendOff = s.pendingOffsets;
    float[] pendScore = s.pendingScores;
    int touch = 0;
    while (cand.size() > 0) {
      float cs = cand.topScore();
      if (cs < lower && res.size() >= ef) {
        break;
      }
      int c = cand.topNode();
      cand.pop();
      int off = c * stride + 1;
      // The links of the next candidate in line: it is usually the next one expanded, and its three
      // link lines arrive while this node's neighbours are scored.
      if (cand.size() > 0) {
        int nx = cand.topNode() * stride;
        for (int t = 0; t < vecOff; t += 16) {
          touch ^= Float.floatToRawIntBits(blk[nx + t]);
        }
      }
      int n = direct ? Float.floatToRawIntBits(blk[off - 1]) : links(c, level, nbrs);
      // Pass 1: mark the unvisited neighbours and touch the first cache line of each one's vector.
      // The loads are independent, so the core has them all in flight at once (the memory-level
      // parallelism hnswlib gets from _mm_prefetch) and the hardware prefetcher follows each with
      // the vector's next lines; pass 2 then scores them all in one kernel call.
      int np = 0;
      for (int j = 0; j < n; j++) {
        int e = direct ? Float.floatToRawIntBits(blk[off + j]) : nbrs[j];
        if (visited[e] == epoch) {
          continue;
        }
        visited[e] = epoch;
        int v = e * stride + vecOff;
        touch ^= Float.floatToRawIntBits(blk[v]);
        pendOff[np] = v;
        pend[np++] = e;
      }
      scoreMany(q, qOff, pendOff, np, pendScore);
      for (int j = 0; j < np; j++) {
        int e = pend[j];
        float sc = pendScore[j];
        if (res.size() < ef || sc > lower) {
          cand.push(e, sc);
          if (all || filter.accept(e)) {
            if (res.size() < ef) {
              res.push(e, -sc);
            } else {
              res.replaceTop(e, -sc);
            }
            lower = -res.topScore();
          }
        }
      }
    }
    s.touched ^= touch;
  }

  long bytesUsed() {
    long b = 4L * block.length + 4L * levels.length + 16L * upper.length;
    for (int[] u : upper) {
      if (u != null) {
        b += 16 + 4L * u.length;
      }
    }
    return b;
  }

  /** Per-thread search state; sized for this graph. */
  static final class Scratch {
    final char[] visited;
    char epoch;
    final ScoreHeap candidates;
    final ScoreHeap results;
    final int[] nbrs;
    /** Unvisited neighbours of the node being expanded. */
    final int[] pending;
    /** Block offsets of their vectors, and their scores. */
    final int[] pendingOffsets;
    final float[] pendingScores;
    /** Sink for the cache-line touches of searchLayer, so the JIT keeps the loads. */
    int touched;
    final float[] query;
    // Neighbour-selection buffers (build only).
    int[] selIds;
    float[] selScores;
    int[] tmpIds;
    float[] tmpScores;

    Scratch(int size, int dim, int ef, int maxM0) {
      visited = new char[size];
      candidates = new ScoreHeap(4 * ef);
      results = new ScoreHeap(ef + 1);
      nbrs = new int[maxM0 + 1];
      pending = new int[maxM0 + 1];
      pendingOffsets = new int[maxM0 + 1];
      pendingScores = new float[maxM0 + 1];
      query = new float[dim];
      selIds = new int[maxM0 + 1];
      selScores = new float[maxM0 + 1];
      tmpIds = new int[Math.max(ef, maxM0) + 1];
      tmpScores = new float[tmpIds.length];
    }

    char nextEpoch() {
      if (++epoch == 0) {
        java.util.Arrays.fill(visited, (char) 0);
        epoch = 1;
      }
      return epoch;
    }
  }
}
