package dev.funnel.train.sample;

import dev.funnel.data.Interactions;
import dev.funnel.train.WorkerRandom;
import java.util.Arrays;

/**
 * Draws negatives for a user from a proposal {@link ItemSampler}, excluding the user's positives.
 *
 * <p>Each draw is checked by binary search in the user's sorted CSR row and rejected if it is a
 * positive, up to {@code maxRetries} redraws. If every try hits a positive (a very heavy user, or a
 * skewed proposal that puts most mass on that user's items) the fallback draws uniformly among the
 * user's non-positive items, exactly, in O(degree): the fallback therefore departs from q for such
 * users, which is the price of a bounded cost per draw. A user who has every item has no negative:
 * the draw returns {@link #NONE}. Immutable and thread-safe; randomness comes from the caller's
 * per-worker {@link WorkerRandom}.
 *
 * <p>For a logQ correction use {@code proposal().probability(item)} for the positive and the negatives
 * alike. The draws actually follow q renormalised over the user's negatives (q / Z_u, Z_u = 1 - q of the
 * user's positives), so the negatives' true log q is lower by log Z_u; for light users Z_u is close to 1
 * and the difference is negligible, and it is ignored here.
 */
public final class NegativeSampler {
  /** Returned when the user has interacted with every item. */
  public static final int NONE = -1;

  private final ItemSampler proposal;
  private final int[] userPtr;
  private final int[] userItems;
  private final int numItems;
  private final int maxRetries;

  /**
   * @param positives the items to exclude per user (usually the training matrix)
   * @param maxRetries redraws from the proposal before the uniform fallback, &gt;= 0
   */
  public NegativeSampler(ItemSampler proposal, Interactions positives, int maxRetries) {
    if (proposal.numItems() != positives.numItems()) {
      throw new IllegalArgumentException("proposal has numItems=" + proposal.numItems()
          + " but positives have numItems=" + positives.numItems());
    }
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0; maxRetries=" + maxRetries);
    }
    this.proposal = proposal;
    this.userPtr = positives.userPtr();
    this.userItems = positives.userItems();
    this.numItems = positives.numItems();
    this.maxRetries = maxRetries;
  }

  public ItemSampler proposal() {
    return proposal;
  }

  public int maxRetries() {
    return maxRetries;
  }

  /** One item that is not a positive of {@code user}, or {@link #NONE} if there is none. */
  public int sample(int user, WorkerRandom random) {
    int from = userPtr[user];
    int to = userPtr[user + 1];
    for (int attempt = 0; attempt <= maxRetries; attempt++) {
      int item = proposal.sample(random);
      if (from == to || Arrays.binarySearch(userItems, from, to, item) < 0) {
        return item;
      }
    }
    return sampleComplement(from, to, random);
  }

  /** Fills {@code out[off .. off+count)} with independent draws of {@link #sample}. */
  public void sample(int user, WorkerRandom random, int[] out, int off, int count) {
    for (int k = 0; k < count; k++) {
      out[off + k] = sample(user, random);
    }
  }

  /** Whether {@code item} is a positive of {@code user}. */
  public boolean isPositive(int user, int item) {
    return Arrays.binarySearch(userItems, userPtr[user], userPtr[user + 1], item) >= 0;
  }

  /**
   * The r-th non-positive item for uniform r: walking the sorted row, every positive at or below the
   * candidate shifts it up by one.
   */
  private int sampleComplement(int from, int to, WorkerRandom random) {
    int free = numItems - (to - from);
    if (free <= 0) {
      return NONE;
    }
    int item = random.nextInt(free);
    for (int p = from; p < to && userItems[p] <= item; p++) {
      item++;
    }
    return item;
  }
}
