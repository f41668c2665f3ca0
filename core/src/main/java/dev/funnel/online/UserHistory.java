package dev.funnel.online;

/**
 * A copy of one user's online state, taken under the user's lock: safe to read without locks.
 *
 * @param items the newest positive events' items, newest first (repeats possible)
 * @param weights their type weights
 * @param times their timestamps (epoch ms)
 * @param seen every item with a positive event still remembered (at most {@code maxSeen}), ascending
 * @param negative items with negative feedback (latest feedback wins), ascending
 */
public record UserHistory(int[] items, float[] weights, long[] times, int[] seen, int[] negative) {
  public static final UserHistory EMPTY = new UserHistory(new int[0], new float[0], new long[0], new int[0], new int[0]);

  public UserHistory {
    if (items.length != weights.length || items.length != times.length) {
      throw new IllegalArgumentException("history arrays differ in length: items=" + items.length + " weights=" + weights.length
          + " times=" + times.length);
    }
  }

  public int size() {
    return items.length;
  }

  public boolean isEmpty() {
    return items.length == 0 && seen.length == 0 && negative.length == 0;
  }

  public boolean seen(int item) {
    return java.util.Arrays.binarySearch(seen, item) >= 0;
  }

  public boolean negative(int item) {
    return java.util.Arrays.binarySearch(negative, item) >= 0;
  }
}
