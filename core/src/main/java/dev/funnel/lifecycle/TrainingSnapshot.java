package dev.funnel.lifecycle;

import dev.funnel.data.DuplicatePolicy;
import dev.funnel.data.EventTable;
import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.online.EventType;
import dev.funnel.online.EventTypes;
import dev.funnel.store.Event;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A consistent training dataset cut from the event log up to one log position, with a temporal
 * holdout. Built by feeding the replayed events in log order to a {@link Builder}.
 *
 * <p>Weights: a positive event counts with its configured type weight (a rating with its value);
 * repeated events of one (user, item) pair add up ({@link DuplicatePolicy#SUM}). Impressions
 * (weight 0) carry no training signal and are left out. A pair with any negative event (dislike,
 * hide, skip) is left out entirely: neither a positive in training nor a target in the holdout.
 * Events of types no longer configured are skipped and counted.
 *
 * <p>Holdout: per user, events ordered by (timestamp, log position); the newest
 * {@code floor(fraction · n)} go to the holdout, but at least one stays in training (so users with a
 * single event are training-only). Holdout cells whose pair is also in training are dropped (the
 * evaluator never ranks a training item). Each holdout cell remembers the log position of its newest
 * event, so {@link #holdoutAfter} can keep only what a given model has not been trained on.
 */
public final class TrainingSnapshot {
  private final IdMap users;
  private final IdMap items;
  private final Interactions train;
  private final Interactions all;
  private final long position;
  private final long events;
  private final long skipped;
  // Holdout cells (not in train), with the newest log position of each.
  private final int[] holdUser;
  private final int[] holdItem;
  private final long[] holdTime;
  private final long[] holdSequence;

  private TrainingSnapshot(IdMap users, IdMap items, Interactions train, Interactions all, long position, long events, long skipped,
      int[] holdUser, int[] holdItem, long[] holdTime, long[] holdSequence) {
    this.users = users;
    this.items = items;
    this.train = train;
    this.all = all;
    this.position = position;
    this.events = events;
    this.skipped = skipped;
    this.holdUser = holdUser;
    this.holdItem = holdItem;
    this.holdTime = holdTime;
    this.holdSequence = holdSequence;
  }

  public IdMap users() {
    return users;
  }

  public IdMap items() {
    return items;
  }

  /** The training part (everything but the holdout). */
  public Interactions train() {
    return train;
  }

  /** Training part and holdout together: what a promoted model is refitted on. */
  public Interactions all() {
    return all;
  }

  /** The last log position (sequence number) the snapshot covers. */
  public long position() {
    return position;
  }

  /** Positive events used (after weights, negatives and unknown types). */
  public long events() {
    return events;
  }

  /** Replayed events skipped: type not configured (any more) or invalid value. */
  public long skipped() {
    return skipped;
  }

  /** Number of holdout cells. */
  public int holdoutSize() {
    return holdUser.length;
  }

  /** The whole holdout as a matrix over the snapshot's ids. */
  public Interactions holdout() {
    return holdoutAfter(0);
  }

  /**
   * The holdout cells whose newest event is after log position {@code sequence}: the part a model
   * trained on the log up to {@code sequence} has never seen, so comparing it there is free of leakage.
   */
  public Interactions holdoutAfter(long sequence) {
    return holdoutAfter(sequence, (u, i) -> true);
  }

  /** A (user, item) predicate over the snapshot's dense ids. */
  @FunctionalInterface
  public interface CellFilter {
    boolean keep(int user, int item);
  }

  /** As {@link #holdoutAfter(long)}, keeping only the cells {@code filter} accepts. */
  public Interactions holdoutAfter(long sequence, CellFilter filter) {
    EventTable t = new EventTable(users, items, new IdMap(), holdUser.length);
    int type = t.types().getOrAdd(EventTable.DEFAULT_TYPE);
    for (int n = 0; n < holdUser.length; n++) {
      if (holdSequence[n] > sequence && filter.keep(holdUser[n], holdItem[n])) {
        t.add(holdUser[n], holdItem[n], holdTime[n], type, 1f);
      }
    }
    return t.toInteractions(DuplicatePolicy.SUM);
  }

  /** Collects replayed events, in log order; not thread-safe. */
  public static final class Builder {
    private final EventTypes types;
    private final IdMap users = new IdMap(1 << 12);
    private final IdMap items = new IdMap(1 << 12);
    private final Set<Long> negative = new HashSet<>();
    private int size;
    private int[] user = new int[1024];
    private int[] item = new int[1024];
    private long[] time = new long[1024];
    private long[] sequence = new long[1024];
    private float[] weight = new float[1024];
    private long last;
    private long skipped;

    public Builder(EventTypes types) {
      this.types = types;
    }

    /** Adds one logged event (sequence numbers ascending). */
    public void accept(long seq, Event e) {
      last = Math.max(last, seq);
      if (!types.contains(e.type())) {
        skipped++;
        return;
      }
      EventType type = types.get(e.type());
      float w;
      try {
        w = types.weight(e);
      } catch (IllegalArgumentException bad) {
        skipped++;
        return;
      }
      if (type.negative()) {
        negative.add(pair(users.getOrAdd(e.user()), items.getOrAdd(e.item())));
        return;
      }
      if (!(w > 0f)) {
        return;
      }
      if (size == user.length) {
        int c = size + (size >> 1) + 16;
        user = Arrays.copyOf(user, c);
        item = Arrays.copyOf(item, c);
        time = Arrays.copyOf(time, c);
        sequence = Arrays.copyOf(sequence, c);
        weight = Arrays.copyOf(weight, c);
      }
      user[size] = users.getOrAdd(e.user());
      item[size] = items.getOrAdd(e.item());
      time[size] = e.timestamp();
      sequence[size] = seq;
      weight[size] = w;
      size++;
    }

    /** Raises the covered log position (e.g. when the last events were impressions or skipped). */
    public void coverUpTo(long position) {
      last = Math.max(last, position);
    }

    private static long pair(int u, int i) {
      return ((long) u << 32) | (i & 0xFFFFFFFFL);
    }

    /**
     * @param holdoutFraction share of each user's newest events held out, in [0, 1)
     */
    public TrainingSnapshot build(double holdoutFraction) {
      if (!(holdoutFraction >= 0 && holdoutFraction < 1)) {
        throw new IllegalArgumentException("holdoutFraction must be in [0, 1); holdoutFraction=" + holdoutFraction);
      }
      int numUsers = users.size();
      // Rows by user, then by (time, sequence): counting sort on user, then sort each user's keys.
      int[] ptr = new int[numUsers + 1];
      int kept = 0;
      boolean[] drop = new boolean[size];
      for (int r = 0; r < size; r++) {
        if (!negative.isEmpty() && negative.contains(pair(user[r], item[r]))) {
          drop[r] = true;
          continue;
        }
        ptr[user[r] + 1]++;
        kept++;
      }
      for (int u = 0; u < numUsers; u++) {
        ptr[u + 1] += ptr[u];
      }
      int[] rows = new int[kept];
      int[] fill = Arrays.copyOf(ptr, numUsers);
      for (int r = 0; r < size; r++) {
        if (!drop[r]) {
          rows[fill[user[r]]++] = r;
        }
      }
      boolean[] held = new boolean[size];
      Integer[] boxed = null;
      for (int u = 0; u < numUsers; u++) {
        int n = ptr[u + 1] - ptr[u];
        int h = Math.min(n - 1, (int) Math.floor(holdoutFraction * n + 1e-9));
        if (h <= 0) {
          continue;
        }
        // Rows are in log order already; sort by time only when the user's times are not monotone.
        boolean ordered = true;
        for (int p = ptr[u] + 1; p < ptr[u + 1] && ordered; p++) {
          ordered = time[rows[p]] >= time[rows[p - 1]];
        }
        if (!ordered) {
          if (boxed == null || boxed.length < n) {
            boxed = new Integer[n];
          }
          for (int p = 0; p < n; p++) {
            boxed[p] = rows[ptr[u] + p];
          }
          Arrays.sort(boxed, 0, n, (a, b) -> time[a] != time[b] ? Long.compare(time[a], time[b]) : Long.compare(sequence[a], sequence[b]));
          for (int p = 0; p < n; p++) {
            rows[ptr[u] + p] = boxed[p];
          }
        }
        for (int p = ptr[u + 1] - h; p < ptr[u + 1]; p++) {
          held[rows[p]] = true;
        }
      }
      IdMap typeMap = new IdMap();
      EventTable trainEvents = new EventTable(users, items, typeMap, kept);
      EventTable allEvents = trainEvents.emptyLike(kept);
      int type = typeMap.getOrAdd(EventTable.DEFAULT_TYPE);
      for (int r = 0; r < size; r++) {
        if (drop[r]) {
          continue;
        }
        allEvents.add(user[r], item[r], time[r], type, weight[r]);
        if (!held[r]) {
          trainEvents.add(user[r], item[r], time[r], type, weight[r]);
        }
      }
      Interactions train = trainEvents.toInteractions(DuplicatePolicy.SUM);
      Interactions all = allEvents.toInteractions(DuplicatePolicy.SUM);
      // Holdout cells: pairs held out and not in train, with their newest time and position.
      java.util.Map<Long, Integer> cell = new java.util.HashMap<>();
      int[] hu = new int[16];
      int[] hi = new int[16];
      long[] ht = new long[16];
      long[] hs = new long[16];
      int m = 0;
      for (int r = 0; r < size; r++) {
        if (!held[r] || train.contains(user[r], item[r])) {
          continue;
        }
        Integer at = cell.get(pair(user[r], item[r]));
        if (at == null) {
          if (m == hu.length) {
            int c = m * 2;
            hu = Arrays.copyOf(hu, c);
            hi = Arrays.copyOf(hi, c);
            ht = Arrays.copyOf(ht, c);
            hs = Arrays.copyOf(hs, c);
          }
          cell.put(pair(user[r], item[r]), m);
          hu[m] = user[r];
          hi[m] = item[r];
          ht[m] = time[r];
          hs[m] = sequence[r];
          m++;
        } else {
          ht[at] = Math.max(ht[at], time[r]);
          hs[at] = Math.max(hs[at], sequence[r]);
        }
      }
      return new TrainingSnapshot(users, items, train, all, last, kept, skipped, Arrays.copyOf(hu, m), Arrays.copyOf(hi, m),
          Arrays.copyOf(ht, m), Arrays.copyOf(hs, m));
    }
  }
}
