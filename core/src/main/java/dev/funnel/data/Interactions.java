package dev.funnel.data;

import dev.funnel.util.Mix;
import java.util.Arrays;

/**
 * An immutable user-item matrix held twice: CSR (user -> items, items ascending per row) and CSC
 * (item -> users, users ascending per column), each cell with its value and latest timestamp.
 *
 * <p>The array accessors return the internal arrays for hot loops; they must not be modified.
 * Row u's items are {@code userItems()[userPtr()[u] .. userPtr()[u+1])}.
 */
public final class Interactions {
  private final int numUsers;
  private final int numItems;
  private final int[] userPtr;
  private final int[] userItems;
  private final float[] userValues;
  private final long[] userTimes;
  private final int[] itemPtr;
  private final int[] itemUsers;
  private final float[] itemValues;
  private final long[] itemTimes;

  /**
   * Builds from CSR arrays (rows sorted by item, no duplicate cells); the CSC twin is derived.
   *
   * @throws IllegalArgumentException if the arrays are inconsistent
   */
  public Interactions(int numUsers, int numItems, int[] userPtr, int[] userItems, float[] userValues, long[] userTimes) {
    if (userPtr.length != numUsers + 1 || userPtr[0] != 0) {
      throw new IllegalArgumentException("userPtr must have numUsers+1=" + (numUsers + 1) + " entries starting at 0; has " + userPtr.length);
    }
    int nnz = userPtr[numUsers];
    if (userItems.length != nnz || userValues.length != nnz || userTimes.length != nnz) {
      throw new IllegalArgumentException("CSR arrays must all have nnz=" + nnz + " entries");
    }
    for (int u = 0; u < numUsers; u++) {
      if (userPtr[u + 1] < userPtr[u]) {
        throw new IllegalArgumentException("userPtr decreases at user " + u);
      }
      for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
        int i = userItems[p];
        if (i < 0 || i >= numItems) {
          throw new IllegalArgumentException("item " + i + " of user " + u + " out of range [0, " + numItems + ")");
        }
        if (p > userPtr[u] && userItems[p - 1] >= i) {
          throw new IllegalArgumentException("items of user " + u + " not strictly ascending at position " + p);
        }
      }
    }
    this.numUsers = numUsers;
    this.numItems = numItems;
    this.userPtr = userPtr;
    this.userItems = userItems;
    this.userValues = userValues;
    this.userTimes = userTimes;
    // CSC by counting sort over CSR; scanning users in order keeps each column's users ascending.
    itemPtr = new int[numItems + 1];
    for (int p = 0; p < nnz; p++) {
      itemPtr[userItems[p] + 1]++;
    }
    for (int i = 0; i < numItems; i++) {
      itemPtr[i + 1] += itemPtr[i];
    }
    itemUsers = new int[nnz];
    itemValues = new float[nnz];
    itemTimes = new long[nnz];
    int[] fill = Arrays.copyOf(itemPtr, numItems);
    for (int u = 0; u < numUsers; u++) {
      for (int p = userPtr[u]; p < userPtr[u + 1]; p++) {
        int q = fill[userItems[p]]++;
        itemUsers[q] = u;
        itemValues[q] = userValues[p];
        itemTimes[q] = userTimes[p];
      }
    }
  }

  /** An empty matrix of the given shape. */
  public static Interactions empty(int numUsers, int numItems) {
    return new Interactions(numUsers, numItems, new int[numUsers + 1], new int[0], new float[0], new long[0]);
  }

  /**
   * Collapses events into cells with the duplicate policy. Sorts by counting users then sorting
   * each row's (item, row) keys, so it is O(nnz log rowLength).
   */
  static Interactions fromEvents(EventTable events, int numUsers, int numItems, DuplicatePolicy policy) {
    int n = events.size();
    int[] count = new int[numUsers + 1];
    for (int r = 0; r < n; r++) {
      count[events.user(r) + 1]++;
    }
    for (int u = 0; u < numUsers; u++) {
      count[u + 1] += count[u];
    }
    // keys: item in the high 32 bits, event row in the low 32: sorting groups an item's events in read order.
    long[] keys = new long[n];
    int[] fill = Arrays.copyOf(count, numUsers);
    for (int r = 0; r < n; r++) {
      keys[fill[events.user(r)]++] = ((long) events.item(r) << 32) | r;
    }
    int[] ptr = new int[numUsers + 1];
    int[] items = new int[n];
    float[] values = new float[n];
    long[] times = new long[n];
    int out = 0;
    for (int u = 0; u < numUsers; u++) {
      int from = count[u];
      int to = count[u + 1];
      Arrays.sort(keys, from, to);
      int p = from;
      while (p < to) {
        int item = (int) (keys[p] >>> 32);
        int row = (int) keys[p];
        float v = events.value(row);
        long t = events.timestamp(row);
        p++;
        while (p < to && (int) (keys[p] >>> 32) == item) {
          row = (int) keys[p];
          float v2 = events.value(row);
          long t2 = events.timestamp(row);
          switch (policy) {
            case KEEP_LAST -> {
              if (t2 >= t) {
                v = v2;
              }
            }
            case SUM -> v += v2;
            case MAX -> v = Math.max(v, v2);
          }
          t = Math.max(t, t2);
          p++;
        }
        items[out] = item;
        values[out] = v;
        times[out] = t;
        out++;
      }
      ptr[u + 1] = out;
    }
    return new Interactions(numUsers, numItems, ptr, Arrays.copyOf(items, out), Arrays.copyOf(values, out), Arrays.copyOf(times, out));
  }

  public int numUsers() {
    return numUsers;
  }

  public int numItems() {
    return numItems;
  }

  /** Number of stored (user, item) cells. */
  public int nnz() {
    return userPtr[numUsers];
  }

  public int userDegree(int user) {
    return userPtr[user + 1] - userPtr[user];
  }

  public int itemDegree(int item) {
    return itemPtr[item + 1] - itemPtr[item];
  }

  /**
   * Every item ordered by degree (number of users) descending, ties by smaller id: the popularity
   * order of fallbacks and tie-breakers. A counting sort, O(numItems + maxDegree).
   */
  public int[] itemsByDegree() {
    int max = 0;
    for (int i = 0; i < numItems; i++) {
      max = Math.max(max, itemPtr[i + 1] - itemPtr[i]);
    }
    int[] start = new int[max + 2];
    for (int i = 0; i < numItems; i++) {
      start[max - (itemPtr[i + 1] - itemPtr[i]) + 1]++;
    }
    for (int d = 0; d <= max; d++) {
      start[d + 1] += start[d];
    }
    int[] order = new int[numItems];
    for (int i = 0; i < numItems; i++) {
      order[start[max - (itemPtr[i + 1] - itemPtr[i])]++] = i;
    }
    return order;
  }

  /** Whether the cell (user, item) is stored; binary search in the user's row. */
  public boolean contains(int user, int item) {
    return Arrays.binarySearch(userItems, userPtr[user], userPtr[user + 1], item) >= 0;
  }

  /** A copy of the user's items, ascending. */
  public int[] itemsOf(int user) {
    return Arrays.copyOfRange(userItems, userPtr[user], userPtr[user + 1]);
  }

  /** A copy of the item's users, ascending. */
  public int[] usersOf(int item) {
    return Arrays.copyOfRange(itemUsers, itemPtr[item], itemPtr[item + 1]);
  }

  /** Number of users with at least one item. */
  public int activeUsers() {
    int n = 0;
    for (int u = 0; u < numUsers; u++) {
      if (userPtr[u + 1] > userPtr[u]) {
        n++;
      }
    }
    return n;
  }

  /** Number of items with at least one user. */
  public int activeItems() {
    int n = 0;
    for (int i = 0; i < numItems; i++) {
      if (itemPtr[i + 1] > itemPtr[i]) {
        n++;
      }
    }
    return n;
  }

  public int[] userPtr() {
    return userPtr;
  }

  public int[] userItems() {
    return userItems;
  }

  public float[] userValues() {
    return userValues;
  }

  public long[] userTimes() {
    return userTimes;
  }

  public int[] itemPtr() {
    return itemPtr;
  }

  public int[] itemUsers() {
    return itemUsers;
  }

  public float[] itemValues() {
    return itemValues;
  }

  public long[] itemTimes() {
    return itemTimes;
  }

  /**
   * A 64-bit fingerprint of the shape, the cells and their values (not the timestamps, which model
   * files protect with their checksum only), stored in model files so a model can be checked against
   * the data it was trained on. Changing what it covers would make saved files unreadable.
   */
  public long fingerprint() {
    long h = 0x9E3779B97F4A7C15L ^ numUsers * 31L ^ (long) numItems << 20;
    for (int u = 0; u < numUsers; u++) {
      h = Mix.mix64(h ^ userPtr[u + 1]);
    }
    for (int p = 0; p < userItems.length; p++) {
      h = Mix.mix64(h ^ userItems[p] ^ ((long) Float.floatToIntBits(userValues[p]) << 32));
    }
    return h;
  }

}
