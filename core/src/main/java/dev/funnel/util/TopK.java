package dev.funnel.util;

import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;

/**
 * Bounded selection of the k best (id, score) pairs with a binary min-heap of size k: O(n log k)
 * and no allocation beyond the heap. Order: higher score first, ties by smaller id, so results are
 * deterministic. Scores that are NaN or negative infinity never qualify ("cannot recommend").
 *
 * <p>Reusable: {@link #clear()} and offer again. Not thread-safe; one per thread.
 */
public final class TopK {
  private final int k;
  private final int[] ids;
  private final float[] scores;
  private int size;

  public TopK(int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0; k=" + k);
    }
    this.k = k;
    ids = new int[k];
    scores = new float[k];
  }

  /** The k best of {@code scores[0..n)} accepted by the filter. */
  public static ScoredItems select(float[] scores, int k, ItemFilter filter) {
    TopK top = new TopK(Math.min(k, scores.length));
    top.offerAll(scores, filter);
    return top.drain();
  }

  public void clear() {
    size = 0;
  }

  public int size() {
    return size;
  }

  public int capacity() {
    return k;
  }

  /** Offers every index of the array, skipping rejected ones. */
  public void offerAll(float[] values, ItemFilter filter) {
    if (filter == ItemFilter.ALL) {
      offerAll(values, 0, values.length);
      return;
    }
    if (k == 0) {
      return;
    }
    for (int i = 0; i < values.length; i++) {
      float s = values[i];
      if (size == k && !(s > scores[0])) {
        continue;
      }
      if (filter.accept(i)) {
        offer(i, s);
      }
    }
  }

  /** Offers ids 0..n-1 with scores {@code values[off + id]} (one row of a score matrix). */
  public void offerAll(float[] values, int off, int n) {
    if (k == 0) {
      return;
    }
    java.util.Objects.checkFromIndexSize(off, n, values.length);
    for (int i = 0; i < n; i++) {
      float s = values[off + i];
      // Fast reject once full: most items lose against the current minimum.
      if (size == k && !(s > scores[0])) {
        continue;
      }
      offer(i, s);
    }
  }

  /** Offers one pair; returns whether it entered the heap. */
  public boolean offer(int id, float score) {
    if (k == 0 || Float.isNaN(score) || score == Float.NEGATIVE_INFINITY) {
      return false;
    }
    if (size < k) {
      ids[size] = id;
      scores[size] = score;
      siftUp(size++);
      return true;
    }
    if (!worse(ids[0], scores[0], id, score)) {
      return false;
    }
    ids[0] = id;
    scores[0] = score;
    siftDown(0);
    return true;
  }

  /**
   * Whether {@link #offer offer(id, score)} would enter the heap now: a cheap test to run before an
   * expensive filter, so the filter sees only items that could still make the top k.
   */
  public boolean admits(int id, float score) {
    if (k == 0 || Float.isNaN(score) || score == Float.NEGATIVE_INFINITY) {
      return false;
    }
    return size < k || worse(ids[0], scores[0], id, score);
  }

  /** The smallest score held, or negative infinity while not full. */
  public float threshold() {
    return size < k ? Float.NEGATIVE_INFINITY : scores[0];
  }

  /** Empties the heap into a result, best first. */
  public ScoredItems drain() {
    int n = size;
    int[] outIds = new int[n];
    float[] outScores = new float[n];
    for (int r = n - 1; r >= 0; r--) {
      outIds[r] = ids[0];
      outScores[r] = scores[0];
      size--;
      if (size > 0) {
        ids[0] = ids[size];
        scores[0] = scores[size];
        siftDown(0);
      }
    }
    return new ScoredItems(outIds, outScores);
  }

  /** Drains ids only into {@code out} (best first) and returns how many; avoids allocation in eval loops. */
  public int drainIds(int[] out) {
    int n = size;
    for (int r = n - 1; r >= 0; r--) {
      out[r] = ids[0];
      size--;
      if (size > 0) {
        ids[0] = ids[size];
        scores[0] = scores[size];
        siftDown(0);
      }
    }
    return n;
  }

  /** Whether (idA, a) ranks below (idB, b). */
  private static boolean worse(int idA, float a, int idB, float b) {
    return a < b || (a == b && idA > idB);
  }

  private void siftUp(int pos) {
    int id = ids[pos];
    float s = scores[pos];
    while (pos > 0) {
      int parent = (pos - 1) >>> 1;
      if (!worse(id, s, ids[parent], scores[parent])) {
        break;
      }
      ids[pos] = ids[parent];
      scores[pos] = scores[parent];
      pos = parent;
    }
    ids[pos] = id;
    scores[pos] = s;
  }

  private void siftDown(int pos) {
    int id = ids[pos];
    float s = scores[pos];
    int half = size >>> 1;
    while (pos < half) {
      int child = 2 * pos + 1;
      int right = child + 1;
      if (right < size && worse(ids[right], scores[right], ids[child], scores[child])) {
        child = right;
      }
      if (!worse(ids[child], scores[child], id, s)) {
        break;
      }
      ids[pos] = ids[child];
      scores[pos] = scores[child];
      pos = child;
    }
    ids[pos] = id;
    scores[pos] = s;
  }
}
