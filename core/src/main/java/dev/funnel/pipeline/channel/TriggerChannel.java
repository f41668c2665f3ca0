package dev.funnel.pipeline.channel;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.online.UserHistory;
import dev.funnel.pipeline.Channel;
import dev.funnel.pipeline.PipelineRequest;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.pipeline.StageConfig;
import dev.funnel.pipeline.StageFactory;
import dev.funnel.pipeline.StageKind;
import dev.funnel.recall.HistoryScorer;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ModelRecommender.Scored;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.util.TopK;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Trigger-based item-to-item recall: the user's newest {@code triggers} items from the online state
 * (or, for a user with no online events, the newest items of the model's training row), each
 * weighted by its event type and recency,
 * <pre>  w = typeWeight · 0.5^(max(0, t_newest − t) / halfLife)</pre>
 * Age counts from the user's newest event, not from the request time: the factor
 * {@code 0.5^((now − t_newest) / halfLife)} is the same for every trigger of a request, so it cannot
 * change the channel's order, and left in it underflows to 0 for a history replayed from old data
 * (MovieLens' 1998 events would then weigh nothing).
 * expanded through a recall model's item neighbours (items with no similarity to any trigger are not proposed). On an item page ({@code item=} given) the
 * anchor item is the trigger, with weight 1. An item-based model ({@link HistoryScorer}: ItemCF,
 * Swing) scores all triggers at once; any other model (item2vec, MF) sums
 * {@code w_t · sim(t, i)} over each trigger's {@code per_trigger} nearest items
 * ({@link RecallModel#similarItems}). Triggers the model does not know are skipped, so a user or
 * item the catalogue has but the model lacks yields an empty list, not an error.
 */
public final class TriggerChannel implements Channel {
  private final String name;
  private final OnlineRecommender model;
  private final int triggers;
  private final double halfLifeMillis;
  private final int perTrigger;

  public TriggerChannel(String name, OnlineRecommender model, int triggers, double halfLifeMillis, int perTrigger) {
    this.name = name;
    this.model = model;
    this.triggers = triggers;
    this.halfLifeMillis = halfLifeMillis;
    this.perTrigger = perTrigger;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Scored> recall(PipelineRequest request, int limit, Predicate<String> admissible) {
    SavedModel saved = model.saved();
    IdMap items = saved.items();
    int numItems = saved.model().numItems();
    int[] t;
    float[] w;
    if (request.item() != null) {
      int anchor = items.get(request.item());
      if (anchor < 0 || anchor >= numItems) {
        return List.of();
      }
      t = new int[] {anchor};
      w = new float[] {1f};
    } else if (request.user() != null) {
      UserHistory h = model.users().snapshot(request.user());
      long newest = Long.MIN_VALUE;
      for (int r = 0; r < h.size(); r++) {
        newest = Math.max(newest, h.times()[r]);
      }
      t = new int[Math.min(triggers, h.size())];
      w = new float[t.length];
      int m = 0;
      for (int r = 0; r < h.size() && m < t.length; r++) { // newest first
        int online = h.items()[r];
        if (h.negative(online)) {
          continue;
        }
        int id = items.get(model.items().external(online));
        if (id < 0 || id >= numItems) {
          continue;
        }
        t[m] = id;
        w[m++] = (float) Math.max(Float.MIN_NORMAL, h.weights()[r] * Recalls.decay(newest - h.times()[r], halfLifeMillis));
      }
      if (m == 0 && h.isEmpty()) {
        m = trainingTriggers(saved, request.user(), t = new int[triggers], w = new float[triggers]);
      }
      t = Arrays.copyOf(t, m);
      w = Arrays.copyOf(w, m);
    } else {
      return List.of();
    }
    if (t.length == 0) {
      return List.of();
    }
    ItemFilter filter = Recalls.overModel(items, admissible);
    RecallModel rm = saved.model();
    if (rm instanceof HistoryScorer scorer) {
      // Only items with evidence (a positive score): an item no trigger has as a neighbour is not a candidate.
      return Recalls.external(scorer.evidenceFromHistory(-1, t, w, limit, filter), items);
    }
    Map<Integer, Float> sum = new HashMap<>();
    for (int n = 0; n < t.length; n++) {
      ScoredItems s = rm.similarItems(t[n], perTrigger, filter);
      for (int r = 0; r < s.size(); r++) {
        sum.merge(s.item(r), w[n] * s.score(r), Float::sum);
      }
    }
    TopK top = new TopK(limit);
    sum.forEach(top::offer);
    return Recalls.external(top.drain(), items);
  }

  /** The newest items of the user's training row (weights decayed from the newest one's timestamp when present); returns how many. */
  private int trainingTriggers(SavedModel saved, String user, int[] t, float[] w) {
    int u = saved.users().get(user);
    Interactions train = saved.train();
    if (u < 0 || u >= train.numUsers() || model.unlearned().contains(user)) {
      return 0;
    }
    int from = train.userPtr()[u];
    int to = train.userPtr()[u + 1];
    long[] times = train.userTimes();
    Integer[] order = new Integer[to - from];
    for (int p = from; p < to; p++) {
      order[p - from] = p;
    }
    if (times != null && times.length == train.userItems().length) {
      Arrays.sort(order, (a, b) -> Long.compare(times[b], times[a]));
    }
    int m = Math.min(t.length, order.length);
    long newest = m == 0 || times == null || times.length != train.userItems().length ? 0 : times[order[0]];
    for (int r = 0; r < m; r++) {
      t[r] = train.userItems()[order[r]];
      boolean timed = times != null && times.length == train.userItems().length && times[order[r]] > 0;
      w[r] = timed ? (float) Recalls.decay(newest - times[order[r]], halfLifeMillis) : 1f;
      if (!(w[r] > 0)) {
        w[r] = Float.MIN_NORMAL;
      }
    }
    return m;
  }

  /**
   * {@code type: item-to-item}; keys {@code model} (required), {@code triggers} (newest events used,
   * default 10), {@code half_life_ms} (default the online state's trigger half-life),
   * {@code per_trigger} (neighbours per trigger for models that are not item-based, default 50).
   */
  public static final class Factory implements StageFactory {
    @Override
    public String type() {
      return "item-to-item";
    }

    @Override
    public StageKind kind() {
      return StageKind.CHANNEL;
    }

    @Override
    public Object create(StageConfig config, PipelineResources resources) {
      OnlineRecommender model = resources.requireModel(config, "model", config.requiredString("model"));
      int triggers = config.integer("triggers", 10, 1, 1000);
      double halfLife = config.number("half_life_ms", model.config().triggerHalfLifeMillis(), 1, Double.MAX_VALUE);
      int perTrigger = config.integer("per_trigger", 50, 1, 100_000);
      return new TriggerChannel(config.name(), model, triggers, halfLife, perTrigger);
    }
  }
}
