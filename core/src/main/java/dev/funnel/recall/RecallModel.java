package dev.funnel.recall;

import dev.funnel.util.TopK;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A trained recall model: immutable, thread-safe to read, and all that evaluation and serving
 * ever see (Tribuo's Trainer/Model split). Users and items are dense ids of the training data.
 *
 * <p>Scores are comparable within one user's (or one item's) list only. A score of negative
 * infinity means "cannot recommend" and never enters a result.
 */
public interface RecallModel {
  /** The registry name of the algorithm that trained it. */
  String algorithm();

  /** The resolved configuration it was trained with. */
  Record config();

  int numUsers();

  int numItems();

  /**
   * Writes the dense score of every item for {@code user} into {@code out} (length numItems).
   * Used by full-sort evaluation and as the default recommend path; the caller masks seen items.
   */
  void scoreUser(int user, float[] out);

  /**
   * Writes the scores of users {@code from..to-1} into {@code out}, user {@code from + r} in row r
   * ({@code out[r * numItems + i]}; length at least {@code (to - from) * numItems}). The same scores as
   * {@link #scoreUser} up to float rounding (a batched model may sum in another order); full-sort
   * evaluation scores a block of users at a time with it. The default scores user by user.
   */
  default void scoreUsers(int from, int to, float[] out) {
    int n = numItems();
    float[] row = new float[n];
    for (int u = from; u < to; u++) {
      scoreUser(u, row);
      System.arraycopy(row, 0, out, (u - from) * n, n);
    }
  }

  /**
   * Whether the model can serve this user itself; when false (a personal model with no evidence
   * about the user), callers fall back to popularity and say so. Non-personal models (popularity)
   * serve every user.
   */
  boolean knowsUser(int user);

  /** The top k items for a user that pass the filter, best first. */
  default ScoredItems recommend(int user, int k, ItemFilter filter) {
    float[] scores = new float[numItems()];
    scoreUser(user, scores);
    return TopK.select(scores, k, filter);
  }

  /** Top-k recommendations for many users (the same as one by one; models may batch). */
  default ScoredItems[] recommendBatch(int[] users, int k, ItemFilter filter) {
    ScoredItems[] out = new ScoredItems[users.length];
    float[] scores = new float[numItems()];
    for (int n = 0; n < users.length; n++) {
      scoreUser(users[n], scores);
      out[n] = TopK.select(scores, k, filter);
    }
    return out;
  }

  /** The k items most similar to {@code item} (never the item itself), best first. */
  ScoredItems similarItems(int item, int k, ItemFilter filter);

  /** Writes the model's own payload; the header, id maps and training matrix are written by {@link ModelFile}. */
  void writePayload(DataOutput out) throws IOException;
}
