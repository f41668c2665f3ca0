package dev.funnel.recall.neighbors;

import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;

/**
 * A dense accumulator that remembers which ids it touched: the scratch of a sparse row product
 * (one row of A·Aᵀ while training, one user's neighbour sum while serving). Clearing costs the
 * number of touched ids, not the dimension. One per thread.
 */
public final class Accumulator implements ItemMarks {
  /** Maps an id and its accumulated raw value to the final similarity. */
  @FunctionalInterface
  public interface Transform {
    float apply(int id, float raw);
  }

  private final float[] values;
  private final boolean[] marked;
  private final int[] touched;
  private int count;

  public Accumulator(int dimension) {
    values = new float[dimension];
    marked = new boolean[dimension];
    touched = new int[dimension];
  }

  public void add(int id, float w) {
    if (!marked[id]) {
      marked[id] = true;
      touched[count++] = id;
    }
    values[id] += w;
  }

  @Override
  public boolean marked(int id) {
    return marked[id];
  }

  public float value(int id) {
    return values[id];
  }

  /** Number of distinct ids touched since the last clear. */
  public int count() {
    return count;
  }

  /** The i-th touched id (in first-touch order). */
  public int touched(int i) {
    return touched[i];
  }

  public void clear() {
    for (int n = 0; n < count; n++) {
      int id = touched[n];
      values[id] = 0f;
      marked[id] = false;
    }
    count = 0;
  }

  /**
   * The n best touched ids other than {@code exclude} after {@code transform}, best first;
   * similarities that are not positive are dropped. With {@code normalize}, the list is divided by
   * its largest similarity (so the best neighbour has 1).
   */
  public ScoredItems select(TopK top, int exclude, Transform transform, boolean normalize) {
    top.clear();
    for (int k = 0; k < count; k++) {
      int id = touched[k];
      if (id == exclude) {
        continue;
      }
      float s = transform.apply(id, values[id]);
      if (s > 0f && s < Float.POSITIVE_INFINITY) {
        top.offer(id, s);
      }
    }
    ScoredItems best = top.drain();
    if (normalize && best.size() > 0) {
      float max = best.score(0);
      float[] s = best.scores();
      for (int r = 0; r < s.length; r++) {
        s[r] /= max;
      }
    }
    return best;
  }

  /**
   * Raises a best-first similarity list to {@code exponent} in place (monotone, so the order holds)
   * and, with {@code normalize}, divides it by its first (largest) entry.
   */
  public static void sharpen(float[] sims, double exponent, boolean normalize) {
    if (exponent != 1.0) {
      for (int r = 0; r < sims.length; r++) {
        sims[r] = (float) Math.pow(sims[r], exponent);
      }
    }
    if (normalize && sims.length > 0 && sims[0] > 0f) {
      float max = sims[0];
      for (int r = 0; r < sims.length; r++) {
        sims[r] /= max;
      }
    }
  }
}
