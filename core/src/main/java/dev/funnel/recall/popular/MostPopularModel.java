package dev.funnel.recall.popular;

import dev.funnel.io.BinaryIO;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Every user gets the same ranking; recommend walks the precomputed order (score descending, ties by
 * the smaller id, as {@link TopK}) and stops after k accepted items. Payload: float[] scores.
 */
public final class MostPopularModel implements RecallModel {
  private final PopularConfig config;
  private final int numUsers;
  private final float[] scores;
  private final int[] order;

  MostPopularModel(PopularConfig config, int numUsers, float[] scores) {
    this.config = config;
    this.numUsers = numUsers;
    this.scores = scores;
    Integer[] boxed = new Integer[scores.length];
    for (int i = 0; i < boxed.length; i++) {
      boxed[i] = i;
    }
    // Once per model; a boxed sort keeps the tie rule obvious.
    Arrays.sort(boxed, (a, b) -> scores[a] != scores[b] ? Float.compare(scores[b], scores[a]) : Integer.compare(a, b));
    order = new int[boxed.length];
    for (int n = 0; n < order.length; n++) {
      order[n] = boxed[n];
    }
  }

  /** The popularity score of an item. */
  public float popularity(int item) {
    return scores[item];
  }

  @Override
  public String algorithm() {
    return MostPopular.NAME;
  }

  @Override
  public Record config() {
    return config;
  }

  @Override
  public int numUsers() {
    return numUsers;
  }

  @Override
  public int numItems() {
    return scores.length;
  }

  @Override
  public void scoreUser(int user, float[] out) {
    System.arraycopy(scores, 0, out, 0, scores.length);
  }

  /**
   * True for every user: the ranking is the same for everyone, so the model serves any user itself
   * (with its own weighting and decay) and callers never need to fall back from it.
   */
  @Override
  public boolean knowsUser(int user) {
    return user >= 0 && user < numUsers;
  }

  @Override
  public ScoredItems recommend(int user, int k, ItemFilter filter) {
    return take(k, filter, -1);
  }

  @Override
  public ScoredItems[] recommendBatch(int[] users, int k, ItemFilter filter) {
    ScoredItems[] out = new ScoredItems[users.length];
    for (int n = 0; n < users.length; n++) {
      out[n] = take(k, filter, -1);
    }
    return out;
  }

  /** The most popular items except the item itself (popularity is all this model knows). */
  @Override
  public ScoredItems similarItems(int item, int k, ItemFilter filter) {
    return take(k, filter, item);
  }

  private ScoredItems take(int k, ItemFilter filter, int except) {
    int[] ids = new int[Math.min(k, order.length)];
    float[] s = new float[ids.length];
    int n = 0;
    for (int r = 0; r < order.length && n < ids.length; r++) {
      int i = order[r];
      float v = scores[i];
      if (i != except && !Float.isNaN(v) && v != Float.NEGATIVE_INFINITY && filter.accept(i)) {
        ids[n] = i;
        s[n++] = v;
      }
    }
    return n == ids.length ? new ScoredItems(ids, s) : new ScoredItems(Arrays.copyOf(ids, n), Arrays.copyOf(s, n));
  }

  @Override
  public void writePayload(DataOutput out) throws IOException {
    BinaryIO.writeFloats(out, scores);
  }
}
