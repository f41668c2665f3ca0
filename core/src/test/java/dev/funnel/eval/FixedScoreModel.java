package dev.funnel.eval;

import dev.funnel.data.Interactions;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import java.io.DataOutput;
import java.util.Arrays;

/** A test model that returns a fixed score matrix, plus helpers to build small matrices. */
final class FixedScoreModel implements RecallModel {
  private record NoConfig() {}

  private final float[][] scores;
  private final int numItems;

  FixedScoreModel(float[][] scores) {
    this.scores = scores;
    this.numItems = scores.length == 0 ? 0 : scores[0].length;
  }

  @Override
  public String algorithm() {
    return "fixed";
  }

  @Override
  public Record config() {
    return new NoConfig();
  }

  @Override
  public int numUsers() {
    return scores.length;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public void scoreUser(int user, float[] out) {
    System.arraycopy(scores[user], 0, out, 0, numItems);
  }

  @Override
  public boolean knowsUser(int user) {
    return true;
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    return ScoredItems.EMPTY;
  }

  @Override
  public void writePayload(DataOutput out) {
    throw new UnsupportedOperationException();
  }

  /** A binary matrix from per-user item lists (any order, no duplicates). */
  static Interactions matrix(int numItems, int[]... rows) {
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
