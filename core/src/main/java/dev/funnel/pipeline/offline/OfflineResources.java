package dev.funnel.pipeline.offline;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.data.ItemFeatures;
import dev.funnel.online.EventTypes;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.pipeline.PipelineResources;
import dev.funnel.recall.SavedModel;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.ItemRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * {@link PipelineResources} without a server: trained models over one training set, each behind an
 * {@link OnlineRecommender} whose online state is the training interactions replayed as events in
 * time order (row order when the data has no timestamps), so trigger channels see each user's
 * newest training events, the seen filter sees what the user consumed and the popularity counters
 * hold the training counts (not seeded twice: {@code seedFromTraining} is off). The clock is frozen
 * at the newest training event, as if the request came right after the training period. The
 * catalogue is built from a dataset's item features (the {@code genre}/{@code category} field
 * becomes the items' categories).
 *
 * <p>Read-only once built; thread-safe as the live resources are.
 */
public final class OfflineResources implements PipelineResources {
  /** Event type every replayed training interaction gets (weight 1). */
  static final String EVENT_TYPE = "interaction";

  private final Map<String, OnlineRecommender> models;
  private final Map<String, ItemRecord> catalogue;
  private final long now;
  private final Map<String, Object> extras = new HashMap<>();

  private OfflineResources(Map<String, OnlineRecommender> models, Map<String, ItemRecord> catalogue, long now) {
    this.models = Collections.unmodifiableMap(models);
    this.catalogue = catalogue;
    this.now = now;
  }

  /**
   * @param models name -> model trained on {@code train} (ids of {@code users}/{@code items})
   * @param catalogue item id -> record, may be empty (no categories then)
   */
  public static OfflineResources of(Map<String, SavedModel> models, Interactions train, IdMap users, IdMap items,
      Map<String, ItemRecord> catalogue) {
    long newest = newest(train);
    Map<String, OnlineRecommender> recs = new LinkedHashMap<>();
    Map<String, ItemRecord> cat = Map.copyOf(catalogue);
    OnlineRecommender.Config base = OnlineRecommender.Config.defaults();
    OnlineRecommender.Config config = new OnlineRecommender.Config(base.users(), base.popularity(), base.triggerHalfLifeMillis(),
        base.coldStart(), false, base.maxItems());
    List<Event> events = events(train, users, items);
    for (Map.Entry<String, SavedModel> e : models.entrySet()) {
      OnlineRecommender r = new OnlineRecommender(e.getKey(), e.getValue(), EventTypes.defaults(), config, id -> {
        ItemRecord rec = cat.get(id);
        return rec == null ? List.of() : rec.categories();
      }, () -> newest);
      for (Event ev : events) {
        r.observe(ev);
      }
      recs.put(e.getKey(), r);
    }
    return new OfflineResources(recs, cat, newest);
  }

  /** The training interactions as events, oldest first (stable: row order among equal times). */
  static List<Event> events(Interactions train, IdMap users, IdMap items) {
    int[] ptr = train.userPtr();
    int[] it = train.userItems();
    long[] times = train.userTimes();
    boolean timed = times != null && times.length == it.length;
    Integer[] order = new Integer[it.length];
    int[] userOf = new int[it.length];
    for (int u = 0; u < train.numUsers(); u++) {
      for (int p = ptr[u]; p < ptr[u + 1]; p++) {
        userOf[p] = u;
        order[p] = p;
      }
    }
    if (timed) {
      java.util.Arrays.sort(order, (a, b) -> Long.compare(times[a], times[b]));
    }
    List<Event> out = new ArrayList<>(it.length);
    for (Integer p : order) {
      out.add(Event.of(users.external(userOf[p]), items.external(it[p]), EVENT_TYPE, timed ? times[p] : 0L));
    }
    return out;
  }

  /** The catalogue a dataset's item features give: each item's {@code genre} (or {@code category}, or first field) values as categories. */
  public static Map<String, ItemRecord> catalogue(ItemFeatures features, IdMap items) {
    Map<String, ItemRecord> out = new HashMap<>();
    if (features == null || features.fields().isEmpty()) {
      return out;
    }
    ItemFeatures.Field f = features.field("genre");
    if (f == null) {
      f = features.field("category");
    }
    if (f == null) {
      f = features.fields().get(0);
    }
    for (int i = 0; i < items.size() && i < f.numItems(); i++) {
      List<String> cats = new ArrayList<>();
      for (String v : f.valueNamesOf(i)) {
        cats.add(v);
      }
      out.put(items.external(i), new ItemRecord(items.external(i), cats, List.of(), numericAttributes(features, f, i), true, null, null));
    }
    return out;
  }

  /**
   * The item's other fields whose single value is a finite number, as numeric attributes under the
   * field's name (e.g. a {@code bid} column for an ads scene, a {@code price} for a rule); empty for most datasets.
   */
  private static Map<String, Object> numericAttributes(ItemFeatures features, ItemFeatures.Field categories, int item) {
    Map<String, Object> out = null;
    for (ItemFeatures.Field g : features.fields()) {
      if (g == categories || item >= g.numItems()) {
        continue;
      }
      List<String> values = g.valueNamesOf(item);
      if (values.size() != 1) {
        continue;
      }
      try {
        double d = Double.parseDouble(values.get(0));
        if (Double.isFinite(d)) {
          if (out == null) {
            out = new HashMap<>();
          }
          out.put(g.name(), d);
        }
      } catch (NumberFormatException e) {
        // not a number: not an attribute
      }
    }
    return out == null ? Map.of() : out;
  }

  private static long newest(Interactions train) {
    long[] t = train.userTimes();
    long max = 0;
    if (t != null) {
      for (long v : t) {
        max = Math.max(max, v);
      }
    }
    return max;
  }

  /** Request time: the newest training event (0 for data without timestamps). */
  public long now() {
    return now;
  }

  /** Registers a stage's trained artefact (e.g. a stacking ranker) under a name, for its factory to find. */
  public void put(String name, Object artefact) {
    extras.put(Objects.requireNonNull(name, "name"), artefact);
  }

  /** The artefact registered under {@code name}, or null. */
  public Object get(String name) {
    return extras.get(name);
  }

  @Override
  public Collection<String> models() {
    return models.keySet();
  }

  @Override
  public OnlineRecommender model(String name) {
    return models.get(name);
  }

  @Override
  public ItemRecord item(String id) {
    return catalogue.get(id);
  }

  @Override
  public void forEachItem(Consumer<? super ItemRecord> sink) {
    catalogue.values().forEach(sink);
  }

  @Override
  public boolean recommendable(String item) {
    ItemRecord r = catalogue.get(item);
    return r == null || r.recommendableAt(now);
  }
}
