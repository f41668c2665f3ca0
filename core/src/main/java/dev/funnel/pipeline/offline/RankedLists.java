package dev.funnel.pipeline.offline;

import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import java.io.DataOutput;
import java.util.Arrays;

/**
 * Fixed ranked lists seen as a {@link RecallModel}, so the funnel's final lists are scored by the
 * evaluator's own metric code ({@link dev.funnel.eval.Evaluator#fullSort}): the item at rank r of n
 * scores n − r, every other item negative infinity ("cannot recommend": it never enters a list).
 * A list shorter than K stays short, as for any model.
 */
public final class RankedLists implements RecallModel {
  /** The (empty) config of fixed lists. */
  public record Lists(int users) {}

  private final int[][] lists;
  private final int numItems;

  /** @param lists per user the item ids best first (null or empty: nothing for that user) */
  public RankedLists(int[][] lists, int numItems) {
    this.lists = lists;
    this.numItems = numItems;
  }

  @Override
  public String algorithm() {
    return "funnel";
  }

  @Override
  public Record config() {
    return new Lists(lists.length);
  }

  @Override
  public int numUsers() {
    return lists.length;
  }

  @Override
  public int numItems() {
    return numItems;
  }

  @Override
  public void scoreUser(int user, float[] out) {
    Arrays.fill(out, Float.NEGATIVE_INFINITY);
    int[] l = lists[user];
    if (l == null) {
      return;
    }
    for (int r = 0; r < l.length; r++) {
      out[l[r]] = l.length - r;
    }
  }

  @Override
  public boolean knowsUser(int user) {
    return lists[user] != null;
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    return new ScoredItems(new int[0], new float[0]);
  }

  @Override
  public void writePayload(DataOutput out) {
    throw new UnsupportedOperationException("fixed evaluation lists are not saved");
  }
}
