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
import dev.funnel.recall.ScoredItems;
import dev.funnel.store.catalog.ItemRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Category-affinity popularity: the user's favourite catalogue categories, scored from the online
 * history as {@code affinity(c) = Σ_{events on items of c} typeWeight · 0.5^(age / halfLife)}
 * (normalised to sum 1; age counted from the user's newest event, as in {@link TriggerChannel}), and each of the top {@code categories} categories' most popular items, scored
 * {@code affinity(c) · count(i)}; an item in several such categories keeps its best score. On an item
 * page the anchor item's categories count alike. Needs categories in the catalogue; returns nothing
 * when the user has no categorised history.
 */
public final class CategoryChannel implements Channel {
  private final String name;
  private final OnlineRecommender state;
  private final PipelineResources resources;
  private final int categories;
  private final double halfLifeMillis;

  public CategoryChannel(String name, OnlineRecommender state, PipelineResources resources, int categories, double halfLifeMillis) {
    this.name = name;
    this.state = state;
    this.resources = resources;
    this.categories = categories;
    this.halfLifeMillis = halfLifeMillis;
  }

  @Override
  public String name() {
    return name;
  }

  /** Category -> affinity share, best first, at most {@code categories}. */
  Map<String, Double> affinities(PipelineRequest request) {
    Map<String, Double> a = new HashMap<>();
    if (request.item() != null) {
      ItemRecord r = resources.item(request.item());
      if (r != null) {
        for (String c : r.categories()) {
          a.merge(c, 1.0, Double::sum);
        }
      }
    }
    if (request.user() != null) {
      UserHistory h = state.users().snapshot(request.user());
      long newest = Long.MIN_VALUE;
      for (int r = 0; r < h.size(); r++) {
        newest = Math.max(newest, h.times()[r]);
      }
      for (int r = 0; r < h.size(); r++) {
        ItemRecord rec = resources.item(state.items().external(h.items()[r]));
        if (rec == null || rec.categories().isEmpty()) {
          continue;
        }
        double w = h.weights()[r] * Recalls.decay(newest - h.times()[r], halfLifeMillis);
        for (String c : rec.categories()) {
          a.merge(c, w / rec.categories().size(), Double::sum);
        }
      }
    }
    double total = 0;
    for (double v : a.values()) {
      total += v;
    }
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(a.entrySet());
    sorted.sort((x, y) -> y.getValue().equals(x.getValue()) ? x.getKey().compareTo(y.getKey()) : Double.compare(y.getValue(), x.getValue()));
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(categories, sorted.size()); i++) {
      out.put(sorted.get(i).getKey(), total > 0 ? sorted.get(i).getValue() / total : 0.0);
    }
    return out;
  }

  @Override
  public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
    Map<String, Double> aff = affinities(request);
    if (aff.isEmpty()) {
      return List.of();
    }
    var filter = Recalls.overOnline(state.items(), admissible);
    Map<String, Float> best = new HashMap<>();
    for (Map.Entry<String, Double> e : aff.entrySet()) {
      ScoredItems s = state.popularity().topInCategory(e.getKey(), limit, filter);
      for (int r = 0; r < s.size(); r++) {
        best.merge(state.items().external(s.item(r)), (float) (e.getValue() * s.score(r)), Math::max);
      }
    }
    List<Scored> out = new ArrayList<>(best.size());
    best.forEach((item, score) -> out.add(new Scored(item, score)));
    out.sort((x, y) -> x.score() == y.score() ? x.item().compareTo(y.item()) : Float.compare(y.score(), x.score()));
    return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
  }

  /**
   * {@code type: category-popularity}; keys {@code categories} (favourite categories used, default
   * 3), {@code half_life_ms} (default the online trigger half-life), {@code model} (whose online
   * state; default the first).
   */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "category-popularity";
    }

    @Override
    public StageKind kind() {
      return StageKind.CHANNEL;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      String model = config.string("model", null);
      OnlineRecommender state = model == null ? resources.activity() : resources.requireModel(config, "model", model);
      int n = config.integer("categories", 3, 1, 1000);
      double halfLife = config.number("half_life_ms", state.config().triggerHalfLifeMillis(), 1, Double.MAX_VALUE);
      return new CategoryChannel(config.name(), state, resources, n, halfLife);
    }
  }
}
