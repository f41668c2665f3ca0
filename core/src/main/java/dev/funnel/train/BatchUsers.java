package dev.funnel.train;

import java.util.Arrays;

/**
 * The distinct users of one mini-batch, each given a dense slot 0..{@link #count()}-1 in order of first
 * appearance, so per-user work (tower outputs, gradient rows, one optimizer step per user) is done once
 * per user rather than once per example. Reused across batches: {@link #clear()} forgets only the
 * slots it handed out, never a pass over all users.
 */
public final class BatchUsers {
  private final int[] slotOf;
  private final int[] users;
  private int count;

  /**
   * @param numUsers users of the model (ids 0..numUsers-1)
   * @param maxBatch most examples in a batch (so at most this many distinct users)
   */
  public BatchUsers(int numUsers, int maxBatch) {
    slotOf = new int[numUsers];
    Arrays.fill(slotOf, -1);
    users = new int[maxBatch];
  }

  /** The slot of {@code user}, giving it the next one if it has none in this batch. */
  public int add(int user) {
    int s = slotOf[user];
    if (s < 0) {
      s = count++;
      slotOf[user] = s;
      users[s] = user;
    }
    return s;
  }

  /** The slot of {@code user} in this batch, or -1. */
  public int slotOf(int user) {
    return slotOf[user];
  }

  /** The user in slot {@code s}. */
  public int user(int s) {
    return users[s];
  }

  /** Distinct users so far in this batch. */
  public int count() {
    return count;
  }

  /** Forgets this batch's users. */
  public void clear() {
    for (int s = 0; s < count; s++) {
      slotOf[users[s]] = -1;
    }
    count = 0;
  }
}
