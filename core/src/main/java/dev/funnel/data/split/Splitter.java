package dev.funnel.data.split;

import dev.funnel.data.EventTable;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Cuts an {@link EventTable} into train and test, then cleans test the same way for every kind:
 * <ol>
 *   <li>test events whose (user, item) pair has a train event are removed (one pair in both
 *       matrices is leakage; a repeat purchase would be scored as a "hit" on a seen item);
 *   <li>test events of users without train events are dropped or kept per the user cold policy;
 *   <li>test events of items without train events are dropped or kept per the item cold policy.
 * </ol>
 * All counts go into the {@link SplitReport}. Train and test keep the source's read order.
 */
public final class Splitter {
  private Splitter() {}

  /** Applies a spec; {@link SplitSpec.Kind#GIVEN} needs two tables, see {@link #given}. */
  public static Split apply(EventTable events, SplitSpec spec, long seed, ColdPolicy coldUsers, ColdPolicy coldItems) {
    return switch (spec.kind()) {
      case RANDOM -> random(events, spec.fraction(), seed, coldUsers, coldItems);
      case USER_TEMPORAL -> userTemporal(events, spec.fraction(), coldUsers, coldItems);
      case LEAVE_LAST_OUT -> leaveLastOut(events, coldUsers, coldItems);
      case GLOBAL_TIME -> spec.hasCutTime() ? globalTime(events, spec.cutMillis(), coldUsers, coldItems)
          : globalTimeFraction(events, spec.fraction(), coldUsers, coldItems);
      case GIVEN -> throw new IllegalArgumentException("split 'given' needs a separate test file");
      case NONE -> none(events);
    };
  }

  /** Every event in train and an empty test: nothing is dropped, so nothing is cold. */
  public static Split none(EventTable events) {
    SplitReport report = new SplitReport("none", 0, events.size(), 0, 0, 0, 0, ColdPolicy.KEEP, 0, 0, ColdPolicy.KEEP, Long.MIN_VALUE);
    return new Split(events, events.emptyLike(0), report);
  }

  /** A seeded shuffle of all events; the first round(fraction * n) go to train. */
  public static Split random(EventTable events, double fraction, long seed, ColdPolicy coldUsers, ColdPolicy coldItems) {
    int n = events.size();
    int[] order = new int[n];
    for (int r = 0; r < n; r++) {
      order[r] = r;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int r = n - 1; r > 0; r--) {
      int j = rng.nextInt(r + 1);
      int t = order[r];
      order[r] = order[j];
      order[j] = t;
    }
    int nTrain = (int) Math.round(fraction * n);
    int[] train = Arrays.copyOf(order, nTrain);
    int[] test = Arrays.copyOfRange(order, nTrain, n);
    Arrays.sort(train);
    Arrays.sort(test);
    return finish(events.select(train), events.select(test), SplitSpec.random(fraction).toString(), seed, coldUsers, coldItems, Long.MIN_VALUE);
  }

  /**
   * Per user, events ordered by (timestamp, read order); the first max(1, floor(fraction * n))
   * go to train, the rest to test. So a user's train events are never later than their test events.
   */
  public static Split userTemporal(EventTable events, double fraction, ColdPolicy coldUsers, ColdPolicy coldItems) {
    int[] ptr = new int[events.users().size() + 1];
    int[] rows = rowsByUserThenTime(events, ptr);
    Builder b = new Builder(events.size());
    for (int u = 0; u + 1 < ptr.length; u++) {
      int n = ptr[u + 1] - ptr[u];
      if (n == 0) {
        continue;
      }
      int k = Math.max(1, (int) Math.floor(fraction * n + 1e-9));
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        b.put(rows[p], p - ptr[u] < k);
      }
    }
    return b.finish(events, SplitSpec.userTemporal(fraction).toString(), coldUsers, coldItems);
  }

  /**
   * Per user, the latest event (by timestamp, ties: the one read last) is test, the rest train.
   * Users with a single event keep it in train (they would otherwise all be cold users).
   */
  public static Split leaveLastOut(EventTable events, ColdPolicy coldUsers, ColdPolicy coldItems) {
    int[] ptr = new int[events.users().size() + 1];
    int[] rows = rowsByUserThenTime(events, ptr);
    Builder b = new Builder(events.size());
    for (int u = 0; u + 1 < ptr.length; u++) {
      int n = ptr[u + 1] - ptr[u];
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        b.put(rows[p], n == 1 || p < ptr[u + 1] - 1);
      }
    }
    return b.finish(events, SplitSpec.leaveLastOut().toString(), coldUsers, coldItems);
  }

  /** Events before {@code cutMillis} train, at or after it test. */
  public static Split globalTime(EventTable events, long cutMillis, ColdPolicy coldUsers, ColdPolicy coldItems) {
    return cut(events, cutMillis, SplitSpec.globalTimeAt(cutMillis).toString(), coldUsers, coldItems);
  }

  /**
   * A global cut at {@code min + ceil(fraction * (max - min))} of the events' time range: events
   * before it train, at or after it test.
   */
  public static Split globalTimeFraction(EventTable events, double fraction, ColdPolicy coldUsers, ColdPolicy coldItems) {
    if (events.size() == 0) {
      throw new IllegalArgumentException("cannot split an empty event table");
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (int r = 0; r < events.size(); r++) {
      min = Math.min(min, events.timestamp(r));
      max = Math.max(max, events.timestamp(r));
    }
    long cutAt = min + (long) Math.ceil(fraction * (double) (max - min));
    return cut(events, cutAt, SplitSpec.globalTimeFraction(fraction).toString(), coldUsers, coldItems);
  }

  private static Split cut(EventTable events, long cutAt, String spec, ColdPolicy coldUsers, ColdPolicy coldItems) {
    Builder b = new Builder(events.size());
    for (int r = 0; r < events.size(); r++) {
      b.put(r, events.timestamp(r) < cutAt);
    }
    b.cutMillis = cutAt;
    return b.finish(events, spec, coldUsers, coldItems);
  }

  /** A split read from two sources; {@code test} must share {@code train}'s id maps. */
  public static Split given(EventTable train, EventTable test, ColdPolicy coldUsers, ColdPolicy coldItems) {
    if (train.users() != test.users() || train.items() != test.items() || train.types() != test.types()) {
      throw new IllegalArgumentException("train and test tables must share id maps");
    }
    return finish(train, test, SplitSpec.given().toString(), 0, coldUsers, coldItems, Long.MIN_VALUE);
  }

  /**
   * Rows grouped by user (ascending), each user's rows ordered by (timestamp, row). Fills
   * {@code ptr} (numUsers + 1) with each user's range.
   */
  static int[] rowsByUserThenTime(EventTable events, int[] ptr) {
    int n = events.size();
    long[] times = new long[n];
    for (int r = 0; r < n; r++) {
      times[r] = events.timestamp(r);
    }
    long[] distinct = times.clone();
    Arrays.sort(distinct);
    // (time rank, row) packed in a long sorts by time, ties by read order, without boxing.
    long[] keys = new long[n];
    for (int r = 0; r < n; r++) {
      keys[r] = ((long) Arrays.binarySearch(distinct, times[r]) << 32) | r;
    }
    Arrays.sort(keys);
    for (int r = 0; r < n; r++) {
      ptr[events.user(r) + 1]++;
    }
    for (int u = 0; u + 1 < ptr.length; u++) {
      ptr[u + 1] += ptr[u];
    }
    int[] fill = Arrays.copyOf(ptr, ptr.length - 1);
    int[] rows = new int[n];
    for (long k : keys) {
      int r = (int) k;
      rows[fill[events.user(r)]++] = r;
    }
    return rows;
  }

  /** Collects each row's side, then selects both tables in read order. */
  private static final class Builder {
    final boolean[] toTrain;
    long cutMillis = Long.MIN_VALUE;

    Builder(int n) {
      toTrain = new boolean[n];
    }

    void put(int row, boolean train) {
      toTrain[row] = train;
    }

    Split finish(EventTable events, String spec, ColdPolicy coldUsers, ColdPolicy coldItems) {
      int nTrain = 0;
      for (boolean t : toTrain) {
        nTrain += t ? 1 : 0;
      }
      int[] train = new int[nTrain];
      int[] test = new int[toTrain.length - nTrain];
      int a = 0;
      int c = 0;
      for (int r = 0; r < toTrain.length; r++) {
        if (toTrain[r]) {
          train[a++] = r;
        } else {
          test[c++] = r;
        }
      }
      return Splitter.finish(events.select(train), events.select(test), spec, 0, coldUsers, coldItems, cutMillis);
    }
  }

  /** The test clean-up shared by every kind (see the class comment). */
  static Split finish(EventTable train, EventTable candidates, String spec, long seed, ColdPolicy coldUsers, ColdPolicy coldItems,
      long cutMillis) {
    int numUsers = train.users().size();
    int numItems = train.items().size();
    boolean[] userInTrain = new boolean[numUsers];
    boolean[] itemInTrain = new boolean[numItems];
    long[] pairs = new long[train.size()];
    for (int r = 0; r < train.size(); r++) {
      userInTrain[train.user(r)] = true;
      itemInTrain[train.item(r)] = true;
      pairs[r] = pair(train.user(r), train.item(r));
    }
    Arrays.sort(pairs);
    boolean[] coldUserSeen = new boolean[numUsers];
    boolean[] coldItemSeen = new boolean[numItems];
    int[] keep = new int[candidates.size()];
    int kept = 0;
    int trainPairs = 0;
    int coldUserEvents = 0;
    int coldUserCount = 0;
    int coldItemEvents = 0;
    int coldItemCount = 0;
    for (int r = 0; r < candidates.size(); r++) {
      int u = candidates.user(r);
      int i = candidates.item(r);
      if (Arrays.binarySearch(pairs, pair(u, i)) >= 0) {
        trainPairs++;
        continue;
      }
      if (!userInTrain[u]) {
        coldUserEvents++;
        if (!coldUserSeen[u]) {
          coldUserSeen[u] = true;
          coldUserCount++;
        }
        if (coldUsers == ColdPolicy.DROP) {
          continue;
        }
      }
      if (!itemInTrain[i]) {
        coldItemEvents++;
        if (!coldItemSeen[i]) {
          coldItemSeen[i] = true;
          coldItemCount++;
        }
        if (coldItems == ColdPolicy.DROP) {
          continue;
        }
      }
      keep[kept++] = r;
    }
    EventTable test = kept == candidates.size() ? candidates : candidates.select(Arrays.copyOf(keep, kept));
    SplitReport report = new SplitReport(spec, seed, train.size(), test.size(), trainPairs, coldUserCount, coldUserEvents, coldUsers,
        coldItemCount, coldItemEvents, coldItems, cutMillis);
    return new Split(train, test, report);
  }

  private static long pair(int u, int i) {
    return ((long) u << 32) | (i & 0xFFFFFFFFL);
  }
}
