package dev.funnel.train;

import dev.funnel.data.Interactions;
import java.util.Arrays;

/** Small hand-made matrices for training tests. */
public final class Fixtures {
  private Fixtures() {}

  /** Interactions from per-user item lists (any order, no duplicates), all values 1. */
  public static Interactions of(int numItems, int[][] rows) {
    int[] ptr = new int[rows.length + 1];
    for (int u = 0; u < rows.length; u++) {
      ptr[u + 1] = ptr[u] + rows[u].length;
    }
    int[] items = new int[ptr[rows.length]];
    for (int u = 0; u < rows.length; u++) {
      int[] sorted = rows[u].clone();
      Arrays.sort(sorted);
      System.arraycopy(sorted, 0, items, ptr[u], sorted.length);
    }
    float[] values = new float[items.length];
    Arrays.fill(values, 1f);
    return new Interactions(rows.length, numItems, ptr, items, values, new long[items.length]);
  }
}
