package dev.funnel.online;

import dev.funnel.data.IdMap;
import dev.funnel.data.Interactions;
import dev.funnel.recall.HistoryScorer;
import dev.funnel.recall.ItemFilter;
import dev.funnel.recall.ModelRecommender.Fallback;
import dev.funnel.recall.ModelRecommender.Result;
import dev.funnel.recall.ModelRecommender.Scored;
import dev.funnel.recall.RecallModel;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.ScoredItems;
import dev.funnel.store.Event;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A saved model plus the online state, seen through external ids: what the live service calls.
 * {@link #observe} changes the next {@link #recommend} at once, without retraining:
 *
 * <ul>
 *   <li>items with a positive event leave the user's candidates (seen filter, on top of the
 *       training row), items with negative feedback are hidden;
 *   <li>with an item-based model ({@link HistoryScorer}: ItemCF, Swing) the user's newest events
 *       are triggers on top of the training row, so a user the model never saw gets personal
 *       results from the first click. A trigger's weight is
 *       <pre>  w = typeWeight · 0.5^(max(0, now - t_event) / triggerHalfLife)</pre>
 *       and repeated items add up;
 *   <li>a user with neither training row nor usable history gets live popularity (global or
 *       trending, by configuration), marked {@link Fallback#POPULARITY};
 *   <li>items rejected by the availability hook never appear.
 * </ul>
 *
 * <p>Ids: the online state uses the dense ids of {@link ItemIds}, which start equal to the first
 * model's ids and grow with new items; a model swapped in later is translated through a small
 * id map built at swap time. The availability hook is an {@link ItemFilter} over those online ids
 * (fast: a bit set the catalogue keeps), or a predicate over external ids (a map lookup per
 * candidate).
 *
 * <p>Thread-safe: any number of threads may observe and recommend; the model is swapped atomically
 * ({@link #swapModel}), a request reads one model for its whole life.
 */
public final class OnlineRecommender {
  /** What a user without personal signal gets. */
  public enum ColdStart {
    /** Highest live weighted counts. */
    GLOBAL,
    /** Highest time-decayed counts, topped up with global ones. */
    TRENDING
  }

  /**
   * @param users per-user state limits
   * @param popularity counter and snapshot settings
   * @param triggerHalfLifeMillis half-life of a trigger's weight
   * @param coldStart popularity list for users without personal signal
   * @param seedFromTraining add the first model's training degrees to the global counts at start
   *     (turn off when the whole event log is replayed through {@link #observe} instead)
   * @param maxItems cap of the item registry
   */
  public record Config(UserActivity.Config users, PopularityCounters.Config popularity, long triggerHalfLifeMillis, ColdStart coldStart,
      boolean seedFromTraining, int maxItems) {
    public Config {
      Objects.requireNonNull(users, "users");
      Objects.requireNonNull(popularity, "popularity");
      Objects.requireNonNull(coldStart, "coldStart");
      if (triggerHalfLifeMillis < 1) {
        throw new IllegalArgumentException("triggerHalfLifeMillis must be positive; triggerHalfLifeMillis=" + triggerHalfLifeMillis);
      }
      if (maxItems < 1) {
        throw new IllegalArgumentException("maxItems must be positive; maxItems=" + maxItems);
      }
    }

    /** Default limits, triggers with a one-day half-life, global popularity, seeded, 10 million items. */
    public static Config defaults() {
      return new Config(UserActivity.Config.defaults(), PopularityCounters.Config.defaults(), 86_400_000L, ColdStart.GLOBAL, true,
          10_000_000);
    }
  }

  private final EventTypes types;
  private final Config config;
  private final LongSupplier clock;
  private final ItemIds items;
  private final UserActivity users;
  private final PopularityCounters popularity;
  private volatile ModelView view;
  private volatile ItemFilter available = ItemFilter.ALL;
  /**
   * Users the model must not answer for: erased after it was trained, so their training row and
   * parameters are ignored (served as users the model never saw) until a model trained without them
   * is swapped in.
   */
  private final Set<String> unlearned = ConcurrentHashMap.newKeySet();

  public OnlineRecommender(String name, SavedModel saved, EventTypes types, Config config) {
    this(name, saved, types, config, null, System::currentTimeMillis);
  }

  /**
   * @param categoriesOf an item's categories by external id (null: no categories), a catalogue
   *     lookup
   * @param clock epoch milliseconds, for decay
   */
  public OnlineRecommender(String name, SavedModel saved, EventTypes types, Config config,
      Function<String, ? extends Collection<String>> categoriesOf, LongSupplier clock) {
    this.types = types;
    this.config = config;
    this.clock = clock;
    this.items = new ItemIds(saved.items(), config.maxItems());
    this.users = new UserActivity(config.users());
    this.popularity = new PopularityCounters(config.popularity(),
        categoriesOf == null ? null : id -> categoriesOf.apply(items.external(id)), clock);
    Interactions train = saved.train();
    for (int i = 0; i < train.numItems(); i++) {
      popularity.seed(i, config.seedFromTraining() ? train.itemDegree(i) : 0.0);
    }
    // The first model's ids are the online ids; it still gets translation arrays (identities), so the
    // request path has one form for every model and a swap does not flip a branch the JIT compiled out.
    this.view = prepare(name, saved).view;
  }

  public String name() {
    return view.name;
  }

  public SavedModel saved() {
    return view.saved;
  }

  public EventTypes eventTypes() {
    return types;
  }

  public Config config() {
    return config;
  }

  public ItemIds items() {
    return items;
  }

  public UserActivity users() {
    return users;
  }

  public PopularityCounters popularity() {
    return popularity;
  }

  /**
   * Applies one event at once: a positive event (weight &gt; 0) goes into the user's history and seen
   * items and into the item's counters; negative feedback hides the item from the user; an
   * impression (weight 0) only registers the item. A new item is registered.
   *
   * @throws IllegalArgumentException for an unknown event type (naming the valid ones) or a
   *     value-weighted event without a valid value; nothing is changed then
   */
  public void observe(Event e) {
    EventType type = types.get(e.type());
    float weight = types.weight(e);
    int item = items.getOrAdd(e.item());
    if (type.negative()) {
      users.record(e.user(), item, 0f, e.timestamp(), true);
      popularity.register(item);
    } else if (weight > 0f) {
      users.record(e.user(), item, weight, e.timestamp(), false);
      popularity.record(item, weight, e.timestamp());
    } else {
      popularity.register(item);
    }
  }

  /**
   * Takes an event that {@link #observe} counted back out of the popularity counters (right to
   * erasure; the user's own state goes with {@link #forget}). Events that were not counted
   * (negative, weight 0) change nothing.
   *
   * @throws IllegalArgumentException for an unknown event type or a value-weighted event without a valid value
   */
  public void unobserve(Event e) {
    EventType type = types.get(e.type());
    float weight = types.weight(e);
    if (!type.negative() && weight > 0f) {
      int item = items.get(e.item());
      if (item >= 0) {
        popularity.unrecord(item, weight, e.timestamp());
      }
    }
  }

  /** Registers an item (from the catalogue) so popularity lists can return it before any event; returns its online id. */
  public int addItem(String item) {
    int id = items.getOrAdd(item);
    popularity.register(id);
    return id;
  }

  /** Erases the user's online state (history, seen and negative items). Aggregate counters keep their counts. */
  public boolean forget(String user) {
    return users.forget(user);
  }

  /**
   * From now on the model's row and parameters of {@code user} are not used: the user is served as
   * one the model never saw (online history and popularity), whatever model is swapped in, until
   * {@link #relearned} says a model without the user serves.
   */
  public void unlearn(String user) {
    unlearned.add(user);
  }

  /** The serving model was trained without these users: their ids may be answered by the model again. */
  public void relearned(Collection<String> users) {
    unlearned.removeAll(users);
  }

  /** The users the model must not answer for now (see {@link #unlearn}). */
  public Set<String> unlearned() {
    return Set.copyOf(unlearned);
  }

  /**
   * Sets the availability hook: only items it accepts are ever returned. Keyed by online dense id
   * ({@link #items()}); checked per candidate, so it should be a bit-set or array lookup.
   */
  public void setAvailability(ItemFilter availableOnlineIds) {
    available = Objects.requireNonNull(availableOnlineIds, "availableOnlineIds");
  }

  /** Sets the availability hook by external id (a lookup per candidate; prefer {@link #setAvailability}). */
  public void setAvailabilityByExternalId(Predicate<String> availableItem) {
    Objects.requireNonNull(availableItem, "availableItem");
    setAvailability(id -> availableItem.test(items.external(id)));
  }

  /**
   * Serves a new model from the next request on; the online state is kept. Every item of the model
   * is registered, so the translation covers it. Swaps are serialised; requests never wait for one.
   */
  public void swapModel(String name, SavedModel saved) {
    swapModel(prepare(name, saved));
  }

  /**
   * The work of a swap done ahead of it, off the swap's critical moment: the model's items are
   * registered and its id translation built, so that {@link #swapModel(Prepared)} only publishes a
   * reference. A prepared model stays valid across later swaps (items registered after it are unknown
   * to it, as they are to its model), so a service can keep the one it swapped out for a rollback.
   */
  public Prepared prepare(String name, SavedModel saved) {
    Objects.requireNonNull(name, "name");
    IdMap modelItems = saved.items();
    int n = saved.train().numItems();
    int[] fromModel = new int[n];
    for (int i = 0; i < n; i++) {
      fromModel[i] = items.getOrAdd(modelItems.external(i));
      popularity.register(fromModel[i]);
    }
    int[] toModel = new int[items.size()];
    Arrays.fill(toModel, -1);
    for (int i = 0, known = Math.min(n, saved.model().numItems()); i < known; i++) {
      toModel[fromModel[i]] = i;
    }
    return new Prepared(new ModelView(name, saved, fromModel, toModel), this);
  }

  /** Serves a model prepared by this recommender from the next request on (a reference write). */
  public synchronized void swapModel(Prepared prepared) {
    if (prepared.owner != this) {
      throw new IllegalArgumentException("model '" + prepared.name() + "' was prepared by another recommender");
    }
    view = prepared.view;
  }

  /** The model serving now, in the form {@link #swapModel(Prepared)} takes (to swap back to it later). */
  public Prepared serving() {
    return new Prepared(view, this);
  }

  /** A model ready to be swapped in: see {@link #prepare}. */
  public static final class Prepared {
    private final ModelView view;
    private final OnlineRecommender owner;

    private Prepared(ModelView view, OnlineRecommender owner) {
      this.view = view;
      this.owner = owner;
    }

    public String name() {
      return view.name;
    }

    public SavedModel saved() {
      return view.saved;
    }
  }

  /**
   * The top k items for an external user id: never an item of the user's training row, online
   * history or negative feedback, nor one of {@code exclude} (unknown ids ignored), nor an
   * unavailable item. Personal (model, with online triggers for item-based models) when there is
   * signal; otherwise live popularity marked {@link Fallback#POPULARITY}.
   */
  public Result recommend(String user, int k, Collection<String> exclude) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; k=" + k);
    }
    ModelView v = view;
    UserHistory h = users.snapshot(user);
    int[] excluded = onlineIds(exclude);
    ItemFilter availableNow = available;
    RecallModel model = v.saved.model();
    int u = v.saved.users().get(user);
    if (u >= model.numUsers() || (u >= 0 && !unlearned.isEmpty() && unlearned.contains(user))) {
      u = -1;
    }
    int[] row = v.saved.train().userItems();
    int rowFrom = u >= 0 ? v.saved.train().userPtr()[u] : 0;
    int rowTo = u >= 0 ? v.saved.train().userPtr()[u + 1] : 0;
    // Online ids: not seen online, not disliked, not excluded, available.
    ItemFilter onlineOk = id -> !h.seen(id) && !h.negative(id) && Arrays.binarySearch(excluded, id) < 0 && availableNow.accept(id);
    boolean knows = u >= 0 && model.knowsUser(u);
    ItemFilter modelFilter = modelId -> (rowFrom == rowTo || Arrays.binarySearch(row, rowFrom, rowTo, modelId) < 0)
        && onlineOk.accept(v.online(modelId));
    if (model instanceof HistoryScorer scorer) {
      float[] weights = new float[h.size()];
      int[] triggers = triggers(h, v, weights);
      if (knows || triggers.length > 0) {
        ScoredItems s = scorer.recommendFromHistory(knows ? u : -1, triggers, Arrays.copyOf(weights, triggers.length), k, modelFilter);
        return new Result(external(s, v), Fallback.NONE);
      }
    } else if (knows) {
      return new Result(external(model.recommend(u, k, modelFilter), v), Fallback.NONE);
    }
    ItemFilter popularFilter = rowFrom == rowTo ? onlineOk : id -> {
      int m = v.model(id);
      return (m < 0 || Arrays.binarySearch(row, rowFrom, rowTo, m) < 0) && onlineOk.accept(id);
    };
    return new Result(popular(k, popularFilter), Fallback.POPULARITY);
  }

  /** Estimated heap bytes of the online state (users, counters, item registry). */
  public long memoryBytes() {
    return users.memoryBytes() + popularity.memoryBytes() + items.memoryBytes();
  }

  /**
   * The user's history as model-id triggers with weights {@code typeWeight · 0.5^(age / halfLife)},
   * newest first; items unknown to the model or under negative feedback are skipped.
   */
  private int[] triggers(UserHistory h, ModelView v, float[] weights) {
    int[] out = new int[h.size()];
    int m = 0;
    long now = clock.getAsLong();
    double halfLife = config.triggerHalfLifeMillis();
    for (int r = 0; r < h.size(); r++) {
      int item = v.model(h.items()[r]);
      if (item < 0 || h.negative(h.items()[r])) {
        continue;
      }
      out[m] = item;
      weights[m++] = (float) (h.weights()[r] * PopularityCounters.decay(Math.max(0L, now - h.times()[r]), halfLife));
    }
    return Arrays.copyOf(out, m);
  }

  private List<Scored> popular(int k, ItemFilter filter) {
    ScoredItems s = config.coldStart() == ColdStart.TRENDING ? popularity.topTrending(k, filter) : popularity.topGlobal(k, filter);
    if (s.size() < k && config.coldStart() == ColdStart.TRENDING) {
      int[] got = s.items().clone();
      Arrays.sort(got);
      ScoredItems rest = popularity.topGlobal(k - s.size(), filter.and(id -> Arrays.binarySearch(got, id) < 0));
      List<Scored> out = onlineExternal(s);
      out.addAll(onlineExternal(rest));
      return out;
    }
    return onlineExternal(s);
  }

  private int[] onlineIds(Collection<String> externals) {
    if (externals == null || externals.isEmpty()) {
      return new int[0];
    }
    int[] ids = new int[externals.size()];
    int m = 0;
    for (String e : externals) {
      int id = items.get(e);
      if (id >= 0) {
        ids[m++] = id;
      }
    }
    int[] sorted = Arrays.copyOf(ids, m);
    Arrays.sort(sorted);
    return sorted;
  }

  private static List<Scored> external(ScoredItems s, ModelView v) {
    IdMap modelItems = v.saved.items();
    List<Scored> out = new ArrayList<>(s.size());
    for (int r = 0; r < s.size(); r++) {
      out.add(new Scored(modelItems.external(s.item(r)), s.score(r)));
    }
    return out;
  }

  private List<Scored> onlineExternal(ScoredItems s) {
    List<Scored> out = new ArrayList<>(s.size());
    for (int r = 0; r < s.size(); r++) {
      out.add(new Scored(items.external(s.item(r)), s.score(r)));
    }
    return out;
  }

  /** The serving model and its id translation. */
  private static final class ModelView {
    final String name;
    final SavedModel saved;
    final int[] fromModel;
    final int[] toModel;

    ModelView(String name, SavedModel saved, int[] fromModel, int[] toModel) {
      this.name = name;
      this.saved = saved;
      this.fromModel = fromModel;
      this.toModel = toModel;
    }

    int online(int modelId) {
      return fromModel[modelId];
    }

    /** The model id of an online id, or -1 when the model does not know the item. */
    int model(int onlineId) {
      return onlineId < toModel.length ? toModel[onlineId] : -1;
    }
  }
}
