package dev.funnel.pipeline.channel;

import dev.funnel.pipeline.Channel;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.recall.ModelRecommender.Scored;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * New items: catalogue items by {@code published_at}, newest first, published at most
 * {@code max_age_days} before the request (and not after it), scored by freshness
 * {@code 0.5^(age / half_life)}. The same list for everyone (filters apply per request), so fresh
 * items get exposure before any event. The list is read from the catalogue at load and rebuilt in the
 * background once {@code refresh_seconds} old.
 */
public final class NewItemsChannel implements Channel {
  private final String name;
  private final PipelineResources resources;
  private final long maxAgeMillis;
  private final double halfLifeMillis;
  private final long refreshMillis;
  private final AtomicBoolean rebuilding = new AtomicBoolean();
  private volatile Snapshot snapshot;

  /** Items with a publish time, newest first. */
  private record Snapshot(String[] items, long[] published, long builtAtNanos) {}

  public NewItemsChannel(String name, PipelineResources resources, long maxAgeMillis, double halfLifeMillis, long refreshMillis) {
    this.name = name;
    this.resources = resources;
    this.maxAgeMillis = maxAgeMillis;
    this.halfLifeMillis = halfLifeMillis;
    this.refreshMillis = refreshMillis;
    this.snapshot = build();
  }

  @Override
  public String name() {
    return name;
  }

  private Snapshot build() {
    List<Object[]> rows = new ArrayList<>();
    resources.forEachItem(r -> {
      if (r.publishedAt() != null) {
        rows.add(new Object[] {r.id(), r.publishedAt()});
      }
    });
    rows.sort(Comparator.comparingLong((Object[] row) -> -(Long) row[1]).thenComparing(row -> (String) row[0]));
    String[] items = new String[rows.size()];
    long[] published = new long[rows.size()];
    for (int n = 0; n < items.length; n++) {
      items[n] = (String) rows.get(n)[0];
      published[n] = (Long) rows.get(n)[1];
    }
    return new Snapshot(items, published, System.nanoTime());
  }

  @Override
  public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
    Snapshot s = snapshot;
    if (System.nanoTime() - s.builtAtNanos >= refreshMillis * 1_000_000L && rebuilding.compareAndSet(false, true)) {
      Thread t = new Thread(() -> {
        try {
          snapshot = build();
        } finally {
          rebuilding.set(false);
        }
      }, "funnel-new-items-" + name);
      t.setDaemon(true);
      t.start();
    }
    long now = request.now();
    // Newest first: skip the ones published after now (binary search on the descending times), stop past max age.
    int lo = 0;
    int hi = s.published.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (s.published[mid] > now) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int from = lo;
    List<Scored> out = new ArrayList<>(Math.min(limit, 64));
    for (int n = from; n < s.items.length && out.size() < limit; n++) {
      long age = now - s.published[n];
      if (age > maxAgeMillis) {
        break;
      }
      if (admissible.test(s.items[n])) {
        out.add(new Scored(s.items[n], (float) Recalls.decay(age, halfLifeMillis)));
      }
    }
    return out;
  }

  /** {@code type: new-items}; keys {@code max_age_days} (30), {@code half_life_days} (7), {@code refresh_seconds} (60). */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "new-items";
    }

    @Override
    public StageKind kind() {
      return StageKind.CHANNEL;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      double maxAge = config.number("max_age_days", 30, 1e-6, 36_500);
      double halfLife = config.number("half_life_days", 7, 1e-6, 36_500);
      int refresh = config.integer("refresh_seconds", 60, 1, 86_400);
      return new NewItemsChannel(config.name(), resources, Math.round(maxAge * 86_400_000L), halfLife * 86_400_000.0, refresh * 1000L);
    }
  }
}
