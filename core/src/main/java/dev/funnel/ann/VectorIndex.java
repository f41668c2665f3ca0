package dev.funnel.ann;

import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.Parallel;
import java.nio.file.Path;
import java.util.Map;

/**
 * A nearest-neighbour index over a fixed matrix of item vectors (row i is item i): the recall
 * stage's "k best items for this query vector".
 *
 * <p>Implementations: {@code flat} (exact, the recall oracle), {@code hnsw} (graph). Build them
 * with {@link VectorIndexes#build} or the implementation's own {@code build}; load any saved index
 * with {@link VectorIndexes#load} (format: docs/formats.md, "Vector index file").
 *
 * <p>Contract: scores follow {@link #similarity()} (higher is better); results are best first, ties
 * by smaller id, at most k, never an item the filter rejects. The filter is evaluated during search,
 * not after it, so a restrictive filter leaves the result short only when fewer than k items pass.
 * Search is thread-safe; an index is immutable once built.
 */
public interface VectorIndex {
  /** Registry-style name: flat, hnsw. */
  String kind();

  Similarity similarity();

  /** Floats per vector. */
  int dim();

  /** Number of indexed vectors; ids are [0, size). */
  int size();

  /** The k best items for one query of {@link #dim()} floats (the array is not modified). */
  ScoredItems search(float[] query, int k, ItemFilter filter);

  default ScoredItems search(float[] query, int k) {
    return search(query, k, ItemFilter.ALL);
  }

  /**
   * Searches {@code numQueries} queries stored row-major in {@code queries} on {@code threads}
   * threads; result q answers row q.
   */
  default ScoredItems[] searchBatch(float[] queries, int numQueries, int k, ItemFilter filter, int threads) {
    checkBatch(queries, numQueries, dim());
    ScoredItems[] out = new ScoredItems[numQueries];
    int d = dim();
    Parallel.forRange(numQueries, threads, 16, (w, from, to) -> {
      float[] q = new float[d];
      for (int i = from; i < to; i++) {
        System.arraycopy(queries, i * d, q, 0, d);
        out[i] = search(q, k, filter);
      }
    });
    return out;
  }

  /** Heap bytes held by the index (vectors, graph, codes), not counting transient search scratch. */
  long bytesUsed();

  /** Build and search parameters, for reports and the index file. */
  Map<String, Object> params();

  /**
   * A view of this index with other search-time parameters (hnsw: {@code ef}), sharing the data.
   * Unknown keys are an error naming the key and the valid ones.
   */
  VectorIndex withSearchParams(Map<String, String> params);

  /** Writes the index atomically (temporary file, then rename). */
  void save(Path file);

  /** Checks a row-major batch: length, dimension and count agree. */
  static void checkBatch(float[] queries, int numQueries, int dim) {
    if (numQueries < 0 || (long) numQueries * dim > queries.length) {
      throw new IllegalArgumentException("queries hold " + queries.length + " floats, fewer than numQueries x dim = "
          + numQueries + " x " + dim);
    }
  }

  /** Checks one query's length. */
  static void checkQuery(float[] query, int dim, int k) {
    if (query.length != dim) {
      throw new IllegalArgumentException("query has " + query.length + " floats; the index has dim=" + dim);
    }
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0; k=" + k);
    }
  }
}
