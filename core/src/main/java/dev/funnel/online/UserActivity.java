package dev.funnel.online;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-user online state: the newest events (item, weight, time) in a ring buffer, the items seen
 * (for the seen filter) and the items with negative feedback (hidden at once).
 *
 * <p>Concurrency: lock striping. Users hash to one of {@code segments} segments, each an
 * access-ordered {@link LinkedHashMap} guarded by its own monitor; an update or a snapshot holds
 * one segment for a few hundred nanoseconds, and there is no global lock.
 *
 * <p>Bounded memory: at most {@code maxUsers} users (each segment holds its share and evicts its
 * least recently active user, where activity is an event or a snapshot read, so the bound is exact
 * and the LRU order approximate across segments); per user at most {@code historyLength} events
 * and {@code maxSeen} seen and negative items each (the oldest forgotten first). Arrays start small
 * and grow to those caps, so a user with one event costs about 350 bytes. An evicted user keeps
 * what the model learnt in training; only the online part is lost.
 */
public final class UserActivity {
  /**
   * Limits of the per-user state.
   *
   * @param maxUsers users kept; the least recently active are evicted beyond
   * @param historyLength newest positive events kept per user (the triggers)
   * @param maxSeen distinct seen items kept per user, and the same for negative items
   * @param segments lock stripes (rounded down to a power of two, at most maxUsers)
   */
  public record Config(int maxUsers, int historyLength, int maxSeen, int segments) {
    public Config {
      if (maxUsers < 1) {
        throw new IllegalArgumentException("maxUsers must be positive; maxUsers=" + maxUsers);
      }
      if (historyLength < 1) {
        throw new IllegalArgumentException("historyLength must be positive; historyLength=" + historyLength);
      }
      if (maxSeen < 1) {
        throw new IllegalArgumentException("maxSeen must be positive; maxSeen=" + maxSeen);
      }
      if (segments < 1) {
        throw new IllegalArgumentException("segments must be positive; segments=" + segments);
      }
    }

    /** 1,000,000 users, 50 events, 500 seen items, 64 segments. */
    public static Config defaults() {
      return new Config(1_000_000, 50, 500, 64);
    }
  }

  private static final int INITIAL = 4;
  /** Bytes of a user's fixed part: map entry, state object, two sets, five array headers (rough). */
  private static final long USER_OVERHEAD = 48 + 56 + 2 * 32 + 5 * 16;

  private final Config config;
  private final Segment[] segments;
  private final int mask;

  public UserActivity(Config config) {
    this.config = config;
    int n = Integer.highestOneBit(Math.min(config.segments(), config.maxUsers()));
    segments = new Segment[n];
    for (int s = 0; s < n; s++) {
      segments[s] = new Segment(config.maxUsers() / n + (s < config.maxUsers() % n ? 1 : 0));
    }
    mask = n - 1;
  }

  public Config config() {
    return config;
  }

  /**
   * Records a positive event (weight &gt; 0: into the history and the seen items; it also lifts an
   * earlier negative feedback on the item) or negative feedback (into the negative items). A
   * non-negative event of weight 0 (an impression) leaves no trace.
   */
  public void record(String user, int item, float weight, long timestamp, boolean negative) {
    if (item < 0) {
      throw new IllegalArgumentException("item id must be >= 0; item=" + item);
    }
    if (!negative && !(weight > 0f)) {
      return;
    }
    Segment seg = segmentOf(user);
    synchronized (seg) {
      State s = seg.map.get(user);
      long before;
      if (s == null) {
        s = new State(config);
        seg.map.put(user, s); // may evict the eldest, which adjusts bytes
        before = -keyBytes(user);
      } else {
        before = s.bytes();
      }
      if (negative) {
        s.negative.add(item);
      } else {
        s.push(item, weight, timestamp, config.historyLength());
        s.seen.add(item);
        s.negative.remove(item);
      }
      seg.bytes += s.bytes() - before;
    }
  }

  /** A copy of the user's state, or {@link UserHistory#EMPTY} for a user without online activity. */
  public UserHistory snapshot(String user) {
    Segment seg = segmentOf(user);
    synchronized (seg) {
      State s = seg.map.get(user);
      return s == null ? UserHistory.EMPTY : s.copy();
    }
  }

  /** Erases everything held about the user; returns whether there was anything. */
  public boolean forget(String user) {
    Segment seg = segmentOf(user);
    synchronized (seg) {
      State s = seg.map.remove(user);
      if (s == null) {
        return false;
      }
      seg.bytes -= s.bytes() + keyBytes(user);
      return true;
    }
  }

  /** Number of users held. */
  public int size() {
    int n = 0;
    for (Segment seg : segments) {
      synchronized (seg) {
        n += seg.map.size();
      }
    }
    return n;
  }

  /** Estimated heap bytes of all user state (keys, entries, arrays), kept up to date on every change. */
  public long memoryBytes() {
    long b = 0;
    for (Segment seg : segments) {
      synchronized (seg) {
        b += seg.bytes;
      }
    }
    return b;
  }

  /** The most a user can cost (full arrays), excluding the id string. */
  public long maxBytesPerUser() {
    return USER_OVERHEAD + 16L * config.historyLength() + 8L * config.maxSeen();
  }

  /** One user's state as plain arrays: the history oldest first, seen and negative items in insertion order (oldest first). */
  interface UserSink {
    void accept(String user, int[] items, float[] weights, long[] times, int[] seen, int[] negative);
  }

  /**
   * Copies every user's state to {@code sink}, segment by segment, each segment's users least recently
   * active first, holding the segment's lock while copying it (for {@link OnlineState}).
   */
  void copyUsers(UserSink sink) {
    for (Segment seg : segments) {
      synchronized (seg) {
        for (Map.Entry<String, State> e : seg.map.entrySet()) {
          State s = e.getValue();
          int[] hi = new int[s.size];
          float[] hw = new float[s.size];
          long[] ht = new long[s.size];
          int len = s.items.length;
          for (int r = 0; r < s.size; r++) {
            int p = Math.floorMod(s.head - s.size + r, len);
            hi[r] = s.items[p];
            hw[r] = s.weights[p];
            ht[r] = s.times[p];
          }
          sink.accept(e.getKey(), hi, hw, ht, Arrays.copyOf(s.seen.values, s.seen.size), Arrays.copyOf(s.negative.values, s.negative.size));
        }
      }
    }
  }

  /**
   * Replaces the user's state by the given one (history oldest first, seen and negative oldest first),
   * rebuilt through the same steps an event takes, so array capacities match a replay; the user
   * becomes the most recently active of its segment. For {@link OnlineState}.
   */
  void restore(String user, int[] items, float[] weights, long[] times, int[] seen, int[] negative) {
    Segment seg = segmentOf(user);
    synchronized (seg) {
      State old = seg.map.remove(user);
      if (old != null) {
        seg.bytes -= old.bytes() + keyBytes(user);
      }
      State s = new State(config);
      for (int r = 0; r < items.length; r++) {
        s.push(items[r], weights[r], times[r], config.historyLength());
      }
      s.seen.restore(seen); // distinct already: set, not add (add scans, so adding n items costs n^2)
      s.negative.restore(negative);
      seg.map.put(user, s);
      seg.bytes += s.bytes() + keyBytes(user);
    }
  }

  private Segment segmentOf(String user) {
    int h = user.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return segments[h & mask];
  }

  private static long keyBytes(String user) {
    return 40 + user.length();
  }

  /** One lock stripe: an LRU map with its own share of the user cap. */
  private static final class Segment {
    final LinkedHashMap<String, State> map;
    long bytes;

    Segment(int capacity) {
      map = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
          if (size() > capacity) {
            bytes -= eldest.getValue().bytes() + keyBytes(eldest.getKey());
            return true;
          }
          return false;
        }
      };
    }
  }

  /** One user's state; guarded by its segment's monitor. */
  private static final class State {
    int[] items;
    float[] weights;
    long[] times;
    /** Ring: the next write position and the number held. */
    int head;
    int size;
    final DistinctInts seen;
    final DistinctInts negative;

    State(Config c) {
      int n = Math.min(INITIAL, c.historyLength());
      items = new int[n];
      weights = new float[n];
      times = new long[n];
      seen = new DistinctInts(c.maxSeen());
      negative = new DistinctInts(c.maxSeen());
    }

    void push(int item, float weight, long time, int cap) {
      if (size == items.length && items.length < cap) {
        // Grow: unroll the full ring oldest first (the oldest sits at head), so head is again the next free slot.
        int n = Math.min(cap, items.length * 2);
        int[] ni = new int[n];
        float[] nw = new float[n];
        long[] nt = new long[n];
        for (int r = 0; r < size; r++) {
          int p = (head + r) % size;
          ni[r] = items[p];
          nw[r] = weights[p];
          nt[r] = times[p];
        }
        items = ni;
        weights = nw;
        times = nt;
        head = size;
      }
      items[head] = item;
      weights[head] = weight;
      times[head] = time;
      head = (head + 1) % items.length;
      if (size < items.length) {
        size++;
      }
    }

    UserHistory copy() {
      int[] hi = new int[size];
      float[] hw = new float[size];
      long[] ht = new long[size];
      int len = items.length;
      for (int r = 0; r < size; r++) {
        int p = Math.floorMod(head - 1 - r, len);
        hi[r] = items[p];
        hw[r] = weights[p];
        ht[r] = times[p];
      }
      return new UserHistory(hi, hw, ht, seen.sorted(), negative.sorted());
    }

    long bytes() {
      return USER_OVERHEAD + 16L * items.length + 4L * seen.values.length + 4L * negative.values.length;
    }
  }

  /**
   * Insertion-ordered distinct ints (oldest first) in an array grown up to a cap; at the cap the
   * oldest is dropped. Linear scans: the lists are short (hundreds) and a scan of a few hundred
   * ints costs less than hashing and boxing.
   */
  static final class DistinctInts {
    private static final int[] NONE = new int[0];
    private final int cap;
    int[] values = NONE;
    int size;

    DistinctInts(int cap) {
      this.cap = cap;
    }

    void add(int item) {
      if (indexOf(item) >= 0) {
        return;
      }
      if (size == cap) {
        System.arraycopy(values, 1, values, 0, size - 1);
        values[size - 1] = item;
        return;
      }
      if (size == values.length) {
        values = Arrays.copyOf(values, Math.min(cap, Math.max(INITIAL, values.length * 2)));
      }
      values[size++] = item;
    }

    /** Sets the values (distinct, oldest first; only the newest {@code cap} kept) with the capacity that adding them one by one reaches. */
    void restore(int[] v) {
      if (v.length > cap) {
        v = Arrays.copyOfRange(v, v.length - cap, v.length);
      }
      if (v.length == 0) {
        values = NONE;
        size = 0;
        return;
      }
      int n = INITIAL;
      while (n < v.length) {
        n *= 2;
      }
      values = Arrays.copyOf(v, Math.min(cap, n));
      size = v.length;
    }

    void remove(int item) {
      int p = indexOf(item);
      if (p >= 0) {
        System.arraycopy(values, p + 1, values, p, size - p - 1);
        size--;
      }
    }

    int indexOf(int item) {
      for (int p = size - 1; p >= 0; p--) {
        if (values[p] == item) {
          return p;
        }
      }
      return -1;
    }

    int[] sorted() {
      int[] s = Arrays.copyOf(values, size);
      Arrays.sort(s);
      return s;
    }
  }
}
