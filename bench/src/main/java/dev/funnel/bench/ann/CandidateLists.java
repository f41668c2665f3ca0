package dev.funnel.bench.ann;

import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import java.io.DataOutput;
import java.util.Arrays;

/**
 * The recall stage's output as a {@link RecallModel}: each user's candidates (from an index search)
 * keep their scores, every other item scores negative infinity ("cannot recommend"). Handing it to
 * {@link dev.funnel.eval.Evaluator#fullSort} ranks the top K of the candidates with the evaluator's
 * own metric code, so the candidate path and the model's full sort are measured the same way.
 */
final class CandidateLists implements RecallModel {
  /** No configuration: the lists are the model. */
  record Config(String source) {}

  private final String source;
  private final ScoredItems[] lists;
  private final int numItems;

  /** @param lists one entry per user (null for a user not searched) */
  CandidateLists(String source, ScoredItems[] lists, int numItems) {
    this.source = source;
    this.lists = lists;
    this.numItems = numItems;
  }

  @Override
  public String algorithm() {
    return "candidates";
  }

  @Override
  public Record config() {
    return new Config(source);
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
    Arrays.fill(out, 0, numItems, Float.NEGATIVE_INFINITY);
    ScoredItems c = lists[user];
    if (c != null) {
      for (int r = 0; r < c.size(); r++) {
        out[c.item(r)] = c.score(r);
      }
    }
  }

  @Override
  public boolean knowsUser(int user) {
    return lists[user] != null;
  }

  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    throw new UnsupportedOperationException("candidate lists answer users only");
  }

  @Override
  public void writePayload(DataOutput out) {
    throw new UnsupportedOperationException("candidate lists are not saved");
  }
}
