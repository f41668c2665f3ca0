package dev.funnel.online;

import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;

/**
 * Live item popularity: a weighted count per item (events times their type weight), a weighted
 * count per category, and a trending score, the exponentially time-decayed count
 *
 * <pre>
 *   trend_i(t) = sum over events e of item i of  w_e · 0.5^((t - t_e) / halfLife)
 * </pre>
 *
 * kept per item as a pair (value, time of value) and decayed lazily: an update at time t sets
 * {@code v = v · 0.5^((t - t_v) / halfLife) + w}, {@code t_v = t} (an event older than t_v adds
 * {@code w · 0.5^((t_v - t) / halfLife)} instead), and a read at time now returns
 * {@code v · 0.5^(max(0, now - t_v) / halfLife)}. No sweep ever touches all items to decay them.
 * Decay multiplies every item by the same factor over the same interval, so the trending order only
 * changes when events arrive.
 *
 * <p>Concurrency: per-item updates under one of 256 striped monitors (the pair must change
 * together); category totals are {@link DoubleAdder}s. Item ids are the dense ids of {@link ItemIds}
 * and may grow at any time: counters live in fixed pages of 4096 items, added under a lock that
 * updates of existing items never take.
 *
 * <p>Top-k queries read a snapshot of the best {@code depth} items per list (global, trending, each
 * category). The first query that finds it both older than {@code maxStalenessMillis} and behind
 * the updates starts a rebuild (in the background, or on its own thread when so configured), and
 * queries meanwhile use the previous one. <b>Staleness bound</b>: an answer reflects every update
 * completed {@code maxStalenessMillis} before the query, plus the duration of one rebuild (about
 * 3 ms for 41k items). With {@code maxStalenessMillis = 0} and no background rebuild every answer
 * is current. When a filter rejects so many items that a
 * list runs out before k, global and trending queries fall back to a full scan of the live
 * counters (exact, O(items)); category lists are limited to the snapshot's depth.
 */
public final class PopularityCounters {
  /**
   * @param trendingHalfLifeMillis half-life of the trending decay
   * @param maxStalenessMillis how old a top-k snapshot may be before a query rebuilds it (0: always
   *     current)
   * @param depth items kept per list in a snapshot
   * @param rebuildInBackground rebuild a stale snapshot on the common fork-join pool while the query
   *     that found it stale is answered from the previous one (keeps the O(items) rebuild off every
   *     request); false rebuilds on the querying thread
   */
  public record Config(long trendingHalfLifeMillis, long maxStalenessMillis, int depth, boolean rebuildInBackground) {
    public Config {
      if (trendingHalfLifeMillis < 1) {
        throw new IllegalArgumentException("trendingHalfLifeMillis must be positive; trendingHalfLifeMillis=" + trendingHalfLifeMillis);
      }
      if (maxStalenessMillis < 0) {
        throw new IllegalArgumentException("maxStalenessMillis must be >= 0; maxStalenessMillis=" + maxStalenessMillis);
      }
      if (depth < 1) {
        throw new IllegalArgumentException("depth must be positive; depth=" + depth);
      }
    }

    /** Half-life one hour, snapshots at most 100 ms old, 1,000 items per list, rebuilt in the background. */
    public static Config defaults() {
      return new Config(3_600_000L, 100L, 1000, true);
    }
  }

  private static final int PAGE_BITS = 12;
  private static final int PAGE = 1 << PAGE_BITS;
  private static final int STRIPES = 256;

  /** A trending score below this (relative to a weight of 1) counts as gone. */
  private static final double TREND_EPSILON = 1e-9;

  private final Config config;
  private final IntFunction<? extends Collection<String>> categoriesOf;
  private final LongSupplier clock;
  private final Object[] stripes = new Object[STRIPES];
  private final Object growLock = new Object();
  private volatile Page[] pages = new Page[0];
  /** Items registered: ids {@code 0 .. limit-1}. */
  private volatile int limit;
  private final ConcurrentHashMap<String, DoubleAdder> categoryTotals = new ConcurrentHashMap<>();
  private final LongAdder updates = new LongAdder();
  private final ReentrantLock rebuild = new ReentrantLock();
  private final AtomicBoolean rebuilding = new AtomicBoolean();
  private volatile Snapshot snapshot;

  /**
   * @param categoriesOf the categories of an item id (null or empty: none); called once per event and
   *     per item on each snapshot rebuild, so it should be a map lookup; null for no categories
   * @param clock epoch milliseconds (decay reads and snapshot age)
   */
  public PopularityCounters(Config config, IntFunction<? extends Collection<String>> categoriesOf, LongSupplier clock) {
    this.config = config;
    this.categoriesOf = categoriesOf;
    this.clock = clock;
    for (int s = 0; s < STRIPES; s++) {
      stripes[s] = new Object();
    }
  }

  public Config config() {
    return config;
  }

  /** Makes an item known with zero counts (a new catalogue item), so popularity lists can reach it. */
  public void register(int item) {
    page(item);
  }

  /** Number of item ids with counters. */
  public int size() {
    return limit;
  }

  /**
   * Counts one positive event of weight {@code weight} at {@code timestamp} (epoch ms).
   *
   * @throws IllegalArgumentException if the weight is not finite and positive
   */
  public void record(int item, float weight, long timestamp) {
    if (!(weight > 0f) || weight == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("popularity weight must be finite and positive; weight=" + weight);
    }
    Page p = page(item);
    int o = item & (PAGE - 1);
    double halfLife = config.trendingHalfLifeMillis();
    synchronized (stripes[item & (STRIPES - 1)]) {
      p.count[o] += weight;
      double v = p.trend[o];
      long tv = p.trendTime[o];
      if (v == 0.0) {
        p.trend[o] = weight;
        p.trendTime[o] = timestamp;
      } else if (timestamp >= tv) {
        p.trend[o] = v * decay(timestamp - tv, halfLife) + weight;
        p.trendTime[o] = timestamp;
      } else {
        p.trend[o] = v + weight * decay(tv - timestamp, halfLife);
      }
    }
    if (categoriesOf != null) {
      Collection<String> cs = categoriesOf.apply(item);
      if (cs != null) {
        for (String c : cs) {
          categoryTotals.computeIfAbsent(c, x -> new DoubleAdder()).add(weight);
        }
      }
    }
    updates.increment();
  }

  /**
   * Takes back one event earlier {@link #record}ed with the same weight and timestamp (right to
   * erasure): the count, the trending value (the event's decayed share, {@code w · 0.5^((t_v - t) / halfLife)},
   * is subtracted; the sum is linear in the events) and the category totals drop by its share,
   * never below zero (rounding).
   */
  public void unrecord(int item, float weight, long timestamp) {
    if (!(weight > 0f) || weight == Float.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("popularity weight must be finite and positive; weight=" + weight);
    }
    if (item < 0 || item >= limit) {
      return; // never counted
    }
    Page p = page(item);
    int o = item & (PAGE - 1);
    double halfLife = config.trendingHalfLifeMillis();
    synchronized (stripes[item & (STRIPES - 1)]) {
      p.count[o] = Math.max(0.0, p.count[o] - weight);
      double v = p.trend[o];
      long tv = p.trendTime[o];
      if (timestamp <= tv) {
        p.trend[o] = Math.max(0.0, v - weight * decay(tv - timestamp, halfLife));
      } else {
        p.trend[o] = Math.max(0.0, v * decay(timestamp - tv, halfLife) - weight);
        p.trendTime[o] = timestamp;
      }
    }
    if (categoriesOf != null) {
      Collection<String> cs = categoriesOf.apply(item);
      if (cs != null) {
        for (String c : cs) {
          DoubleAdder total = categoryTotals.get(c);
          if (total != null) {
            total.add(-weight);
          }
        }
      }
    }
    updates.increment();
  }

  /** Adds a prior count (e.g. the training degree) to the global count only; no trending, no category total. */
  public void seed(int item, double count) {
    if (!(count >= 0.0) || count == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("seed count must be finite and >= 0; item=" + item + " count=" + count);
    }
    Page p = page(item);
    synchronized (stripes[item & (STRIPES - 1)]) {
      p.count[item & (PAGE - 1)] += count;
    }
    updates.increment();
  }

  /** The weighted count of an item (0 for an unknown one). */
  public double count(int item) {
    Page p = existing(item);
    if (p == null) {
      return 0.0;
    }
    synchronized (stripes[item & (STRIPES - 1)]) {
      return p.count[item & (PAGE - 1)];
    }
  }

  /** The trending score of an item at time {@code now} (epoch ms; no growth for a time before its last event). */
  public double trending(int item, long now) {
    Page p = existing(item);
    if (p == null) {
      return 0.0;
    }
    int o = item & (PAGE - 1);
    synchronized (stripes[item & (STRIPES - 1)]) {
      return p.trend[o] * decay(Math.max(0L, now - p.trendTime[o]), config.trendingHalfLifeMillis());
    }
  }

  /** The weighted count of all events on items of a category. */
  public double categoryCount(String category) {
    DoubleAdder a = categoryTotals.get(category);
    return a == null ? 0.0 : a.sum();
  }

  /** The k items with the highest count passing the filter (every registered item qualifies; ties: smaller id). */
  public ScoredItems topGlobal(int k, ItemFilter filter) {
    Snapshot s = current();
    return top(s.global, k, filter, s.global.size() < config.depth() ? null : () -> scan(k, filter, -1));
  }

  /** The k items with the highest trending score (only items with events), scores as of the snapshot. */
  public ScoredItems topTrending(int k, ItemFilter filter) {
    Snapshot s = current();
    return top(s.trending, k, filter, s.trending.size() < config.depth() ? null : () -> scan(k, filter, s.takenAt));
  }

  /** The k items of a category with the highest count (registered items of the category; limited to the snapshot depth). */
  public ScoredItems topInCategory(String category, int k, ItemFilter filter) {
    ScoredItems list = current().categories.get(category);
    return list == null ? ScoredItems.EMPTY : top(list, k, filter, null);
  }

  /** Rebuilds the snapshot now (a server may call this on a timer to keep it off the request path). */
  public void refresh() {
    rebuild.lock();
    try {
      snapshot = build();
    } finally {
      rebuild.unlock();
    }
  }

  /** The time the current snapshot was taken (epoch ms), or -1 before the first. */
  public long snapshotTime() {
    Snapshot s = snapshot;
    return s == null ? -1 : s.takenAt;
  }

  /** Estimated heap bytes: counter pages and the snapshot lists. */
  public long memoryBytes() {
    long b = 0;
    for (Page p : pages) {
      b += p == null ? 8 : 8 + 3L * (16 + 8L * PAGE);
    }
    Snapshot s = snapshot;
    if (s != null) {
      b += 8L * (s.global.size() + s.trending.size());
      for (ScoredItems c : s.categories.values()) {
        b += 8L * c.size() + 64;
      }
    }
    return b;
  }

  /**
   * Copies count, trending value and trending time of items {@code 0 .. count.length-1} (all
   * registered) under their stripes, and the category totals, for {@link OnlineState}.
   */
  void copyTo(double[] count, double[] trend, long[] trendTime, Map<String, Double> categories) {
    Page[] ps = pages;
    for (int item = 0; item < count.length; item++) {
      Page p = ps[item >>> PAGE_BITS];
      int o = item & (PAGE - 1);
      synchronized (stripes[item & (STRIPES - 1)]) {
        count[item] = p.count[o];
        trend[item] = p.trend[o];
        trendTime[item] = p.trendTime[o];
      }
    }
    categoryTotals.forEach((c, a) -> categories.put(c, a.sum()));
  }

  /** Sets (not adds) one item's counters, registering it; for {@link OnlineState}. */
  void restore(int item, double count, double trend, long trendTime) {
    Page p = page(item);
    int o = item & (PAGE - 1);
    synchronized (stripes[item & (STRIPES - 1)]) {
      p.count[o] = count;
      p.trend[o] = trend;
      p.trendTime[o] = trendTime;
    }
    updates.increment();
  }

  /** Sets a category's total; for {@link OnlineState}. */
  void restoreCategory(String category, double total) {
    DoubleAdder a = new DoubleAdder();
    a.add(total);
    categoryTotals.put(category, a);
    updates.increment();
  }

  /** {@code 0.5^(age / halfLife)}. */
  static double decay(long ageMillis, double halfLifeMillis) {
    return Math.pow(0.5, ageMillis / halfLifeMillis);
  }

  private interface Scan {
    ScoredItems run();
  }

  private static ScoredItems top(ScoredItems list, int k, ItemFilter filter, Scan exhausted) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; k=" + k);
    }
    int[] ids = new int[Math.min(k, list.size())];
    float[] scores = new float[ids.length];
    int m = 0;
    for (int r = 0; r < list.size() && m < ids.length; r++) {
      int item = list.item(r);
      if (filter.accept(item)) {
        ids[m] = item;
        scores[m++] = list.score(r);
      }
    }
    if (m < k && exhausted != null) {
      return exhausted.run();
    }
    return m == ids.length ? new ScoredItems(ids, scores) : new ScoredItems(java.util.Arrays.copyOf(ids, m), java.util.Arrays.copyOf(scores, m));
  }

  private Snapshot current() {
    Snapshot s = snapshot;
    if (s != null && (s.updates == updates.sum() || clock.getAsLong() - s.takenAt < config.maxStalenessMillis())) {
      return s;
    }
    if (s != null && config.rebuildInBackground()) {
      if (rebuilding.compareAndSet(false, true)) {
        ForkJoinPool.commonPool().execute(() -> {
          try {
            refresh();
          } finally {
            rebuilding.set(false);
          }
        });
      }
      return s;
    }
    if (s != null && !rebuild.tryLock()) {
      return s; // another thread is rebuilding; this one serves the previous snapshot
    }
    if (s == null) {
      rebuild.lock();
    }
    try {
      Snapshot again = snapshot;
      if (again != null && again != s) {
        return again;
      }
      Snapshot fresh = build();
      snapshot = fresh;
      return fresh;
    } finally {
      rebuild.unlock();
    }
  }

  /**
   * One pass over all items: the best {@code depth} by count, by trending score at the snapshot
   * time, and by count within each category.
   */
  private Snapshot build() {
    long seen = updates.sum();
    long now = clock.getAsLong();
    int n = limit;
    int depth = config.depth();
    TopK global = new TopK(Math.min(depth, n));
    TopK trending = new TopK(Math.min(depth, n));
    Map<String, TopK> byCategory = new HashMap<>();
    double halfLife = config.trendingHalfLifeMillis();
    Page[] ps = pages;
    for (int item = 0; item < n; item++) {
      Page p = ps[item >>> PAGE_BITS];
      int o = item & (PAGE - 1);
      double count;
      double trend;
      synchronized (stripes[item & (STRIPES - 1)]) {
        count = p.count[o];
        trend = p.trend[o];
        if (trend != 0.0) {
          trend *= decay(Math.max(0L, now - p.trendTime[o]), halfLife);
        }
      }
      global.offer(item, (float) count);
      if (trend > TREND_EPSILON) {
        trending.offer(item, (float) trend);
      }
      if (categoriesOf != null) {
        Collection<String> cs = categoriesOf.apply(item);
        if (cs != null) {
          for (String c : cs) {
            byCategory.computeIfAbsent(c, x -> new TopK(depth)).offer(item, (float) count);
          }
        }
      }
    }
    Map<String, ScoredItems> categories = new HashMap<>(byCategory.size() * 2);
    for (Map.Entry<String, TopK> e : byCategory.entrySet()) {
      categories.put(e.getKey(), e.getValue().drain());
    }
    return new Snapshot(now, seen, global.drain(), trending.drain(), categories);
  }

  /** Exact top k over the live counters (trending at {@code trendTime} when it is >= 0, else counts). */
  private ScoredItems scan(int k, ItemFilter filter, long trendTime) {
    int n = limit;
    TopK top = new TopK(Math.min(k, n));
    Page[] ps = pages;
    double halfLife = config.trendingHalfLifeMillis();
    for (int item = 0; item < n; item++) {
      if (!filter.accept(item)) {
        continue;
      }
      Page p = ps[item >>> PAGE_BITS];
      int o = item & (PAGE - 1);
      synchronized (stripes[item & (STRIPES - 1)]) {
        if (trendTime < 0) {
          top.offer(item, (float) p.count[o]);
        } else {
          double t = p.trend[o] * decay(Math.max(0L, trendTime - p.trendTime[o]), halfLife);
          if (t > TREND_EPSILON) {
            top.offer(item, (float) t);
          }
        }
      }
    }
    return top.drain();
  }

  private Page existing(int item) {
    Page[] ps = pages;
    int c = item >>> PAGE_BITS;
    return item < 0 || c >= ps.length ? null : ps[c];
  }

  /** The page of an item, registering the item (and every smaller id) if new. */
  private Page page(int item) {
    if (item < 0) {
      throw new IllegalArgumentException("item id must be >= 0; item=" + item);
    }
    if (item < limit) {
      return pages[item >>> PAGE_BITS];
    }
    synchronized (growLock) {
      int c = item >>> PAGE_BITS;
      Page[] ps = pages;
      if (c >= ps.length) {
        ps = java.util.Arrays.copyOf(ps, Math.max(c + 1, ps.length * 2));
      }
      for (int i = 0; i <= c; i++) {
        if (ps[i] == null) {
          ps[i] = new Page();
        }
      }
      pages = ps; // publishes the new pages before limit moves past them
      if (item >= limit) {
        limit = item + 1;
        updates.increment(); // new ids change the lists: the snapshot must be rebuilt
      }
      return ps[c];
    }
  }

  /** Counters of 4096 consecutive items. */
  private static final class Page {
    final double[] count = new double[PAGE];
    final double[] trend = new double[PAGE];
    final long[] trendTime = new long[PAGE];
  }

  private record Snapshot(long takenAt, long updates, ScoredItems global, ScoredItems trending, Map<String, ScoredItems> categories) {}
}
