package dev.funnel.pipeline.channel;

import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.UserHistory;
import dev.funnel.pipeline.Channel;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.recall.ModelRecommender.Scored;
import dev.funnel.store.catalog.ItemRecord;
import dev.funnel.util.TopK;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * Content recall: items that share catalogue attributes (categories, tags, chosen attribute values)
 * with the anchor item or with the user's newest items, so an item nobody has interacted with yet can
 * be recalled (cold start). Each item is a set of terms ({@code c:books}, {@code t:new},
 * {@code brand=acme}); an item's score is a cosine over binary term vectors weighted by the query:
 * <pre>  score(i) = Σ_{t ∈ terms(i)} q_t / sqrt(|terms(i)|)</pre>
 * where {@code q_t} sums the weights of the query items holding t (the anchor: 1; history items:
 * event weight · 0.5^(age from the newest event / halfLife)). The inverted index is built from the
 * catalogue when the scene loads and rebuilt in the background once it is {@code refresh_seconds}
 * old, so catalogue changes reach it within that delay.
 */
public final class ContentChannel implements Channel {
  private final String name;
  private final PipelineResources resources;
  private final OnlineRecommender state;
  private final List<String> fields;
  private final int triggers;
  private final double halfLifeMillis;
  private final long refreshMillis;
  private final AtomicBoolean rebuilding = new AtomicBoolean();
  private volatile Index index;

  /** Term -> item ordinals; per item its id and term count. */
  private record Index(Map<String, int[]> postings, String[] items, int[] termCounts, long builtAtNanos) {}

  public ContentChannel(String name, PipelineResources resources, OnlineRecommender state, List<String> fields, int triggers,
      double halfLifeMillis, long refreshMillis) {
    this.name = name;
    this.resources = resources;
    this.state = state;
    this.fields = List.copyOf(fields);
    this.triggers = triggers;
    this.halfLifeMillis = halfLifeMillis;
    this.refreshMillis = refreshMillis;
    this.index = build();
  }

  @Override
  public String name() {
    return name;
  }

  /** The record's terms under the configured fields. */
  Set<String> terms(ItemRecord r) {
    Set<String> out = new LinkedHashSet<>();
    for (String f : fields) {
      switch (f) {
        case "categories" -> r.categories().forEach(c -> out.add("c:" + c));
        case "tags" -> r.tags().forEach(t -> out.add("t:" + t));
        default -> {
          Object v = r.attributes().get(f);
          if (v != null) {
            out.add(f + "=" + v);
          }
        }
      }
    }
    return out;
  }

  private Index build() {
    Map<String, List<Integer>> post = new HashMap<>();
    List<String> items = new ArrayList<>();
    List<Integer> counts = new ArrayList<>();
    resources.forEachItem(r -> {
      Set<String> terms = terms(r);
      if (terms.isEmpty()) {
        return;
      }
      int ord = items.size();
      items.add(r.id());
      counts.add(terms.size());
      for (String t : terms) {
        post.computeIfAbsent(t, x -> new ArrayList<>()).add(ord);
      }
    });
    Map<String, int[]> postings = new HashMap<>(post.size() * 2);
    post.forEach((t, l) -> postings.put(t, l.stream().mapToInt(Integer::intValue).toArray()));
    return new Index(postings, items.toArray(new String[0]), counts.stream().mapToInt(Integer::intValue).toArray(), System.nanoTime());
  }

  /** Rebuilds on a daemon thread when the index is older than the refresh period; requests keep the old one meanwhile. */
  private void refreshIfStale(Index current) {
    if (System.nanoTime() - current.builtAtNanos < refreshMillis * 1_000_000L || !rebuilding.compareAndSet(false, true)) {
      return;
    }
    Thread t = new Thread(() -> {
      try {
        index = build();
      } finally {
        rebuilding.set(false);
      }
    }, "funnel-content-index-" + name);
    t.setDaemon(true);
    t.start();
  }

  /** Term -> query weight, from the anchor item or the user's newest items. */
  Map<String, Double> query(PipelineRequest request) {
    Map<String, Double> q = new HashMap<>();
    if (request.item() != null) {
      ItemRecord r = resources.item(request.item());
      if (r != null) {
        terms(r).forEach(t -> q.merge(t, 1.0, Double::sum));
      }
      return q;
    }
    if (request.user() == null || state == null) {
      return q;
    }
    UserHistory h = state.users().snapshot(request.user());
    long newest = Long.MIN_VALUE;
    for (int r = 0; r < h.size(); r++) {
      newest = Math.max(newest, h.times()[r]);
    }
    for (int r = 0, used = 0; r < h.size() && used < triggers; r++) {
      if (h.negative(h.items()[r])) {
        continue;
      }
      ItemRecord rec = resources.item(state.items().external(h.items()[r]));
      if (rec == null) {
        continue;
      }
      used++;
      double w = h.weights()[r] * Recalls.decay(newest - h.times()[r], halfLifeMillis);
      terms(rec).forEach(t -> q.merge(t, w, Double::sum));
    }
    return q;
  }

  @Override
  public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
    Index ix = index;
    refreshIfStale(ix);
    Map<String, Double> q = query(request);
    if (q.isEmpty()) {
      return List.of();
    }
    float[] scores = new float[ix.items.length];
    boolean any = false;
    for (Map.Entry<String, Double> e : q.entrySet()) {
      int[] p = ix.postings.get(e.getKey());
      if (p == null) {
        continue;
      }
      float w = e.getValue().floatValue();
      for (int ord : p) {
        scores[ord] += w;
        any = true;
      }
    }
    if (!any) {
      return List.of();
    }
    TopK top = new TopK(limit);
    for (int ord = 0; ord < scores.length; ord++) {
      if (scores[ord] > 0f) {
        float s = (float) (scores[ord] / Math.sqrt(ix.termCounts[ord]));
        if ((top.size() < limit || s > top.threshold()) && admissible.test(ix.items[ord])) {
          top.offer(ord, s);
        }
      }
    }
    var best = top.drain();
    List<Scored> out = new ArrayList<>(best.size());
    for (int r = 0; r < best.size(); r++) {
      out.add(new Scored(ix.items[best.item(r)], best.score(r)));
    }
    return out;
  }

  /**
   * {@code type: content}; keys {@code fields} (default [categories, tags]; other names are attributes),
   * {@code triggers} (newest history items used, default 10), {@code half_life_ms}, {@code refresh_seconds}
   * (index age before a background rebuild, default 60), {@code model} (whose online state; default the first).
   */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "content";
    }

    @Override
    public StageKind kind() {
      return StageKind.CHANNEL;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      List<String> fields = config.strings("fields");
      String model = config.string("model", null);
      OnlineRecommender state = model == null ? resources.activity() : resources.requireModel(config, "model", model);
      int triggers = config.integer("triggers", 10, 1, 1000);
      double halfLife = config.number("half_life_ms", state == null ? 86_400_000.0 : state.config().triggerHalfLifeMillis(), 1, Double.MAX_VALUE);
      int refresh = config.integer("refresh_seconds", 60, 1, 86_400);
      if (fields != null && fields.isEmpty()) {
        throw config.error("fields", fields, "must name at least one field");
      }
      return new ContentChannel(config.name(), resources, state, fields == null ? List.of("categories", "tags") : fields, triggers, halfLife,
          refresh * 1000L);
    }
  }
}
