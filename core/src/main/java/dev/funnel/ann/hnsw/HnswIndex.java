package dev.funnel.ann.hnsw;

import dev.funnel.ann.IndexInput;
import dev.funnel.ann.IndexOutput;
import dev.funnel.ann.Similarity;
import dev.funnel.ann.VectorIndex;
import dev.funnel.ann.VectorIndexes;
import dev.funnel.config.Params;
import dev.funnel.kernel.Kernels;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hierarchical Navigable Small World index (Malkov and Yashunin, TPAMI 2018), our own
 * implementation in hnswlib's layout (see {@link HnswGraph}); why not Lucene's is in
 * docs/architecture.md.
 *
 * <p>Search descends the upper levels greedily, then runs a beam of width {@code max(ef, k)} on
 * level 0. A filter is applied during the beam (rejected nodes are walked through but not
 * returned); if the graph walk still ends with fewer than k accepted items, the remaining accepted
 * items are scored exactly, so a result is short only when fewer than k items pass the filter.
 * Scores and similarity as in {@link Similarity}; for cosine the stored vectors are normalised.
 */
public final class HnswIndex implements VectorIndex {
  private final HnswGraph graph;
  private final HnswConfig config;

  private HnswIndex(HnswGraph graph, HnswConfig config) {
    this.graph = graph;
    this.config = config;
  }

  /** Builds on {@code threads} threads from a copy of {@code vectors} (rows x dim, row-major). */
  public static HnswIndex build(float[] vectors, int dim, Similarity similarity, HnswConfig config, int threads) {
    return new HnswIndex(HnswBuilder.build(vectors, dim, similarity, config, threads, Kernels.get()), config);
  }

  public HnswConfig config() {
    return config;
  }

  /** A view searching with another beam width (shares the graph). */
  public HnswIndex withEf(int ef) {
    return new HnswIndex(graph, config.withEf(ef));
  }

  @Override
  public String kind() {
    return "hnsw";
  }

  @Override
  public Similarity similarity() {
    return graph.similarity;
  }

  @Override
  public int dim() {
    return graph.dim;
  }

  @Override
  public int size() {
    return graph.size;
  }

  /** Top level of the graph (diagnostics). */
  public int maxLevel() {
    return graph.maxLevel;
  }

  /** Mean out-degree on level 0 (diagnostics). */
  public double meanDegree() {
    long sum = 0;
    for (int i = 0; i < graph.size; i++) {
      sum += Float.floatToRawIntBits(graph.block[i * graph.stride]);
    }
    return graph.size == 0 ? 0 : (double) sum / graph.size;
  }

  @Override
  public ScoredItems search(float[] query, int k, ItemFilter filter) {
    VectorIndex.checkQuery(query, graph.dim, k);
    if (k == 0 || graph.size == 0) {
      return ScoredItems.EMPTY;
    }
    HnswGraph.Scratch s = graph.scratch();
    float[] q = s.query;
    System.arraycopy(query, 0, q, 0, graph.dim);
    graph.similarity.prepare(graph.kernels, q, 0, graph.dim);
    int cur = graph.entryPoint;
    for (int l = graph.maxLevel; l > 0; l--) {
      cur = graph.greedy(q, 0, cur, l, s);
    }
    graph.searchLayer(q, 0, cur, 0, Math.max(config.ef(), k), filter, s);
    ScoreHeap res = s.results;
    int found = res.size();
    if (found < k && filter != ItemFilter.ALL && found < graph.size) {
      return exactFallback(q, k, filter);
    }
    while (res.size() > k) {
      res.pop();
    }
    int n = res.size();
    int[] ids = new int[n];
    float[] scores = new float[n];
    for (int r = n - 1; r >= 0; r--) {
      ids[r] = res.topNode();
      scores[r] = -res.topScore();
      res.pop();
    }
    return new ScoredItems(ids, scores);
  }

  /** Scores every accepted node: the walk could not reach k of them (a very selective filter). */
  private ScoredItems exactFallback(float[] q, int k, ItemFilter filter) {
    TopK top = new TopK(Math.min(k, graph.size));
    for (int i = 0; i < graph.size; i++) {
      if (filter.accept(i)) {
        top.offer(i, graph.score(q, 0, i));
      }
    }
    return top.drain();
  }

  @Override
  public long bytesUsed() {
    return graph.bytesUsed();
  }

  @Override
  public Map<String, Object> params() {
    Map<String, Object> p = new LinkedHashMap<>(Params.describe(config));
    return p;
  }

  @Override
  public VectorIndex withSearchParams(Map<String, String> params) {
    for (String key : params.keySet()) {
      if (!key.equals("ef")) {
        throw new IllegalArgumentException("unknown search parameter '" + key + "' for hnsw; valid: ef");
      }
    }
    return params.isEmpty() ? this : new HnswIndex(graph, Params.bind(config, params));
  }

  @Override
  public void save(Path file) {
    try (IndexOutput out = new IndexOutput(file)) {
      VectorIndexes.writeHeader(out, this);
      out.writeInt(graph.m);
      out.writeInt(graph.efConstruction);
      out.writeInt(config.ef());
      out.writeLong(config.seed());
      out.writeInt(graph.entryPoint);
      out.writeInt(graph.maxLevel);
      out.writeInts(graph.levels, 0, graph.size);
      out.writeFloats(graph.block, 0, graph.block.length);
      for (int i = 0; i < graph.size; i++) {
        if (graph.levels[i] > 0) {
          out.writeInts(graph.upper[i], 0, graph.upper[i].length);
        }
      }
      out.commit();
    }
  }

  /** Reads the payload after the header (see docs/formats.md). */
  public static HnswIndex read(IndexInput in, VectorIndexes.Header h) {
    int m = in.readInt("m");
    int efc = in.readInt("efConstruction");
    int ef = in.readInt("ef");
    long seed = in.readLong("seed");
    HnswConfig config;
    try {
      config = new HnswConfig(m, efc, ef, seed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(in.file() + ": " + e.getMessage(), e);
    }
    int n = h.size();
    int dim = h.dim();
    int ep = in.readInt("entryPoint");
    int maxLevel = in.readInt("maxLevel");
    if (n > 0 && (ep < 0 || ep >= n)) {
      throw new IllegalArgumentException(in.file() + ": entryPoint " + ep + " out of range [0, " + n + ")");
    }
    int[] levels = in.readInts(n, "levels");
    int stride = HnswGraph.strideFor(m, dim);
    float[] block = in.readFloats(Math.multiplyExact(n, stride), "level-0 blocks");
    int[][] upper = new int[n][];
    for (int i = 0; i < n; i++) {
      int lv = levels[i];
      if (lv < 0 || lv > maxLevel) {
        throw new IllegalArgumentException(in.file() + ": node " + i + " has level " + lv + " outside [0, " + maxLevel + "]");
      }
      if (lv > 0) {
        upper[i] = in.readInts(lv * (m + 1), "upper links of node " + i);
      }
      int cnt = Float.floatToRawIntBits(block[i * stride]);
      if (cnt < 0 || cnt > 2 * m) {
        throw new IllegalArgumentException(in.file() + ": node " + i + " has " + cnt + " level-0 links, more than 2m=" + 2 * m);
      }
    }
    HnswGraph g = new HnswGraph(h.similarity(), dim, n, m, efc, block, levels, upper, ep, maxLevel, Kernels.get());
    return new HnswIndex(g, config);
  }
}
