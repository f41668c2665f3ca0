package dev.funnel.recall;

import java.util.Arrays;

/**
 * Items with their scores, best first (ties broken by the smaller item id). May hold fewer than
 * the k asked for when fewer items qualify.
 */
public record ScoredItems(int[] items, float[] scores) {
  public static final ScoredItems EMPTY = new ScoredItems(new int[0], new float[0]);

  public ScoredItems {
    if (items.length != scores.length) {
      throw new IllegalArgumentException("items (" + items.length + ") and scores (" + scores.length + ") differ in length");
    }
  }

  public int size() {
    return items.length;
  }

  public int item(int rank) {
    return items[rank];
  }

  public float score(int rank) {
    return scores[rank];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ScoredItems s && Arrays.equals(items, s.items) && Arrays.equals(scores, s.scores);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(items) + Arrays.hashCode(scores);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int r = 0; r < items.length; r++) {
      sb.append(r == 0 ? "" : ", ").append(items[r]).append('=').append(scores[r]);
    }
    return sb.append(']').toString();
  }
}
