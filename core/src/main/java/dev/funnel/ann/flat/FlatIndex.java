package dev.funnel.ann.flat;

import dev.funnel.ann.IndexInput;
import dev.funnel.ann.IndexOutput;
import dev.funnel.ann.Similarity;
import dev.funnel.ann.VectorIndex;
import dev.funnel.ann.VectorIndexes;
import dev.funnel.kernel.Kernels;
import dev.funnel.kernel.VectorKernels;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.Parallel;
import dev.funnel.util.TopK;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exact search: every stored vector is scored, the k best kept in a bounded heap. The recall
 * oracle for every other index.
 *
 * <p>A single query is one GEMV ({@link VectorKernels#dotRows}) over the row-major table, so it is
 * bound by memory bandwidth (n x dim x 4 bytes per query). {@link #searchBatch} turns a block of
 * queries into a register-tiled GEMM ({@link VectorKernels#gemm}) over item tiles that stay in
 * cache, so each item row is read once per block of {@value #QUERY_BLOCK} queries instead of once per
 * query; blocks run on all threads. L2 uses {@code -||q-x||^2 = 2<q,x> - ||x||^2 - ||q||^2} with the
 * squared norms precomputed, so it rides on the same dot kernels (scores can differ from a direct
 * squared distance in the last bits).
 */
public final class FlatIndex implements VectorIndex {
  static final int QUERY_BLOCK = 32;
  static final int ITEM_TILE = 1024;

  private final Similarity similarity;
  private final int dim;
  private final int size;
  private final float[] data;
  /** Squared norms of the rows, for L2 only (null otherwise). */
  private final float[] norms;
  private final VectorKernels kernels;
  private final ThreadLocal<float[]> scores;

  private FlatIndex(Similarity similarity, int dim, int size, float[] data, VectorKernels kernels) {
    this.similarity = similarity;
    this.dim = dim;
    this.size = size;
    this.data = data;
    this.kernels = kernels;
    if (similarity == Similarity.L2) {
      norms = new float[size];
      for (int i = 0; i < size; i++) {
        norms[i] = kernels.sumOfSquares(data, i * dim, dim);
      }
    } else {
      norms = null;
    }
    this.scores = ThreadLocal.withInitial(() -> new float[size]);
  }

  /** Indexes a copy of {@code vectors} (rows x dim, row-major) with the JVM's kernels. */
  public static FlatIndex build(float[] vectors, int dim, Similarity similarity) {
    return build(vectors, dim, similarity, Kernels.get());
  }

  /** As {@link #build(float[], int, Similarity)} on the given kernels (scalar ones for a baseline). */
  public static FlatIndex build(float[] vectors, int dim, Similarity similarity, VectorKernels kernels) {
    if (dim <= 0) {
      throw new IllegalArgumentException("dim must be positive; dim=" + dim);
    }
    if (vectors.length % dim != 0) {
      throw new IllegalArgumentException("vectors hold " + vectors.length + " floats, not a multiple of dim=" + dim);
    }
    float[] copy = vectors.clone();
    int rows = vectors.length / dim;
    if (similarity.normalizes()) {
      Similarity.normalizeRows(kernels, copy, rows, dim);
    }
    return new FlatIndex(similarity, dim, rows, copy, kernels);
  }

  /** The same vectors scored with other kernels (shares the data). */
  public FlatIndex withKernels(VectorKernels k) {
    return new FlatIndex(similarity, dim, size, data, k);
  }

  public VectorKernels kernels() {
    return kernels;
  }

  @Override
  public String kind() {
    return "flat";
  }

  @Override
  public Similarity similarity() {
    return similarity;
  }

  @Override
  public int dim() {
    return dim;
  }

  @Override
  public int size() {
    return size;
  }

  /** The stored (normalised for cosine) row-major table; not a copy, do not modify. */
  public float[] vectors() {
    return data;
  }

  private float[] prepare(float[] query, int off, float[] into) {
    System.arraycopy(query, off, into, 0, dim);
    similarity.prepare(kernels, into, 0, dim);
    return into;
  }

  @Override
  public ScoredItems search(float[] query, int k, ItemFilter filter) {
    VectorIndex.checkQuery(query, dim, k);
    float[] q = prepare(query, 0, new float[dim]);
    float[] s = scores.get();
    kernels.dotRows(q, 0, data, 0, size, dim, s, 0);
    if (norms != null) {
      float qn = kernels.sumOfSquares(q, 0, dim);
      for (int i = 0; i < size; i++) {
        s[i] = 2f * s[i] - norms[i] - qn;
      }
    }
    TopK top = new TopK(Math.min(k, size));
    top.offerAll(s, filter);
    return top.drain();
  }

  @Override
  public ScoredItems[] searchBatch(float[] queries, int numQueries, int k, ItemFilter filter, int threads) {
    VectorIndex.checkBatch(queries, numQueries, dim);
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0; k=" + k);
    }
    ScoredItems[] out = new ScoredItems[numQueries];
    int blocks = (numQueries + QUERY_BLOCK - 1) / QUERY_BLOCK;
    int kk = Math.min(k, size);
    Parallel.forRange(blocks, threads, 1, (w, from, to) -> {
      float[] qb = new float[QUERY_BLOCK * dim];
      float[] c = new float[QUERY_BLOCK * ITEM_TILE];
      float[] qn = new float[QUERY_BLOCK];
      TopK[] tops = new TopK[QUERY_BLOCK];
      for (int b = from; b < to; b++) {
        int q0 = b * QUERY_BLOCK;
        int m = Math.min(QUERY_BLOCK, numQueries - q0);
        for (int i = 0; i < m; i++) {
          float[] row = new float[dim];
          prepare(queries, (q0 + i) * dim, row);
          System.arraycopy(row, 0, qb, i * dim, dim);
          qn[i] = norms == null ? 0f : kernels.sumOfSquares(row, 0, dim);
          tops[i] = new TopK(kk);
        }
        for (int t0 = 0; t0 < size; t0 += ITEM_TILE) {
          int rows = Math.min(ITEM_TILE, size - t0);
          Arrays.fill(c, 0, m * ITEM_TILE, 0f);
          kernels.gemm(qb, 0, m, data, t0 * dim, rows, dim, c, 0, ITEM_TILE);
          for (int i = 0; i < m; i++) {
            TopK top = tops[i];
            int base = i * ITEM_TILE;
            for (int j = 0; j < rows; j++) {
              float sc = c[base + j];
              if (norms != null) {
                sc = 2f * sc - norms[t0 + j] - qn[i];
              }
              if (top.size() == kk && !(sc > top.threshold())) {
                continue;
              }
              if (filter == ItemFilter.ALL || filter.accept(t0 + j)) {
                top.offer(t0 + j, sc);
              }
            }
          }
        }
        for (int i = 0; i < m; i++) {
          out[q0 + i] = tops[i].drain();
        }
      }
    });
    return out;
  }

  @Override
  public long bytesUsed() {
    return 4L * data.length + (norms == null ? 0 : 4L * norms.length);
  }

  @Override
  public Map<String, Object> params() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("kernels", kernels.name());
    return p;
  }

  @Override
  public VectorIndex withSearchParams(Map<String, String> params) {
    if (!params.isEmpty()) {
      throw new IllegalArgumentException("flat has no search parameters; got " + params.keySet());
    }
    return this;
  }

  @Override
  public void save(Path file) {
    try (IndexOutput out = new IndexOutput(file)) {
      VectorIndexes.writeHeader(out, this);
      out.writeFloats(data, 0, data.length);
      out.commit();
    }
  }

  /** Reads the payload after the header (see docs/formats.md). */
  public static FlatIndex read(IndexInput in, VectorIndexes.Header h) {
    if (h.dim() <= 0) {
      throw new IllegalArgumentException(in.file() + ": dim must be positive; dim=" + h.dim());
    }
    float[] data = in.readFloats(Math.multiplyExact(h.size(), h.dim()), "vectors");
    return new FlatIndex(h.similarity(), h.dim(), h.size(), data, Kernels.get());
  }
}
