package dev.funnel.server;

import dev.funnel.online.EventTypes;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.recall.ModelRecommender;
import dev.funnel.recall.SavedModel;
import dev.funnel.store.DataDirectory;
import dev.funnel.store.Event;
import dev.funnel.store.catalog.Catalog;
import dev.funnel.store.catalog.ItemPatch;
import dev.funnel.store.catalog.ItemRecord;
import dev.funnel.store.catalog.RocksCatalog;
import dev.funnel.store.catalog.UserRecord;
import dev.funnel.store.log.EventLog;
import dev.funnel.store.log.LogConfig;
import dev.funnel.store.log.LoggedEvent;
import dev.funnel.store.log.RecoveryReport;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * One data directory brought to life: the lock, the event log (recovered), the catalog, the models of
 * the models folder each behind an {@link OnlineRecommender}, and the online state rebuilt by
 * replaying the whole log at open. The write side of the HTTP server calls it; it holds no HTTP.
 *
 * <p>Durability: {@link #append} completes after the log's fsync; the caller then {@link #observe}s the
 * events so the next recommendation reflects them. Events are observed only once durable, so a crash
 * never leaves the online state ahead of the log, and the replay at the next open rebuilds it.
 *
 * <p>Availability: items the catalog marks unavailable, not yet published or expired are never
 * returned by any recommender. Only such items, and items with categories (for per-category
 * popularity), are held in memory, so the per-candidate check is one hash lookup that misses for
 * plain items.
 *
 * <p>Thread-safe. {@link #close} closes the log (final fsync), the catalog (flush) and then releases
 * the directory lock, in that order.
 */
public final class LiveService implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(LiveService.class.getName());

  /**
   * @param types the event types and their weights
   * @param online online-state settings; its {@code seedFromTraining} is what {@link #open} uses: the
   *     default turns it off because the whole log is replayed at open (turn it on only when the models
   *     were trained on data that is not in the log, or their training counts would be missing)
   * @param log event log settings
   * @param idempotencyWindow how many recent event ids are remembered for de-duplication (bounded
   *     memory: about 100 bytes per id)
   */
  public record Config(EventTypes types, OnlineRecommender.Config online, LogConfig log, int idempotencyWindow) {
    public Config {
      Objects.requireNonNull(types, "types");
      Objects.requireNonNull(online, "online");
      Objects.requireNonNull(log, "log");
      if (idempotencyWindow < 0) {
        throw new IllegalArgumentException("idempotencyWindow must be >= 0; idempotencyWindow=" + idempotencyWindow);
      }
    }

    /** Default event types, online settings without training seed (the log is replayed), default log, 1,000,000 ids. */
    public static Config defaults() {
      OnlineRecommender.Config d = OnlineRecommender.Config.defaults();
      OnlineRecommender.Config replayed = new OnlineRecommender.Config(d.users(), d.popularity(), d.triggerHalfLifeMillis(), d.coldStart(),
          false, d.maxItems());
      return new Config(EventTypes.defaults(), replayed, LogConfig.defaults(), 1_000_000);
    }

    public Config withIdempotencyWindow(int ids) {
      return new Config(types, online, log, ids);
    }

    public Config withOnline(OnlineRecommender.Config newOnline) {
      return new Config(types, newOnline, log, idempotencyWindow);
    }
  }

  /** What {@link #open} did: the log's recovery and how many logged events were replayed or skipped. */
  public record OpenReport(RecoveryReport recovery, long replayed, long skipped, List<String> models) {
    public String summary() {
      return recovery.summary() + System.lineSeparator() + "replayed " + replayed + " events into the online state"
          + (skipped > 0 ? " (" + skipped + " skipped: type no longer configured or invalid)" : "") + "; models: " + String.join(", ", models);
    }
  }

  private final Config config;
  private final DataDirectory directory;
  private final EventLog log;
  private final Catalog catalog;
  private final Map<String, OnlineRecommender> recommenders;
  private final IdempotencyWindow ids;
  private final LongSupplier clock;
  /**
   * Catalog items with categories or not plainly available (unavailable, with a publish or expiry
   * time): id -> record. Plain items are left out, so lookups (per candidate, per event) mostly miss.
   */
  private final Map<String, ItemRecord> described = new ConcurrentHashMap<>();
  /** Ids of the items of {@link #described} that are unavailable or have a publish or expiry time. */
  private final java.util.Set<String> restricted = ConcurrentHashMap.newKeySet();
  private final AtomicLong observed = new AtomicLong();
  private OpenReport report;
  /** The model versions on disk (models/NAME/...), and what each name serves now (for /v1/similar and /metrics). */
  private final ModelVersions versions;
  private final Map<String, ModelRecommender> serving = new ConcurrentHashMap<>();
  private volatile ModelLifecycle lifecycle;

  private LiveService(Config config, DataDirectory directory, EventLog log, Catalog catalog, Map<String, OnlineRecommender> recommenders,
      LongSupplier clock, ModelVersions versions) {
    this.versions = versions;
    recommenders.forEach((name, r) -> serving.put(name, new ModelRecommender(name, r.saved())));
    this.config = config;
    this.directory = directory;
    this.log = log;
    this.catalog = catalog;
    this.recommenders = recommenders;
    this.ids = new IdempotencyWindow(config.idempotencyWindow());
    this.clock = clock;
  }

  /**
   * Opens (or creates) the data directory {@code dataDir}, recovers its log, opens its catalog, loads
   * every model of {@code modelsDir} (null: the data directory's {@code models} folder), and replays the
   * log into the online state. On failure everything opened so far is closed again.
   *
   * @throws dev.funnel.store.DataDirectoryLockedException when another server holds the directory
   * @throws IllegalArgumentException when there is no model to serve (naming the folder)
   */
  public static LiveService open(Path dataDir, Path modelsDir, Config config) {
    return open(dataDir, modelsDir, config, System::currentTimeMillis);
  }

  /** As {@link #open(Path, Path, Config)} with a clock (epoch ms) for decay and expiry. */
  public static LiveService open(Path dataDir, Path modelsDir, Config config, LongSupplier clock) {
    DataDirectory dir = DataDirectory.open(dataDir);
    List<AutoCloseable> opened = new ArrayList<>();
    opened.add(dir);
    try {
      // Seeds (NAME.fnl) from the models folder; versions trained here (models/NAME/) always in the data directory.
      ModelVersions versions = ModelVersions.open(dir.modelsDir(), modelsDir != null ? modelsDir : dir.modelsDir(), ModelLifecycle.Config.DEFAULT_KEEP);
      Map<String, SavedModel> models = versions.loadServing();
      EventLog log = EventLog.open(dir.logDir(), config.log());
      opened.add(0, log);
      RocksCatalog catalog = RocksCatalog.open(dir);
      opened.add(0, catalog);
      Map<String, OnlineRecommender> recs = new LinkedHashMap<>();
      LiveService[] self = new LiveService[1];
      models.forEach((name, saved) -> recs.put(name,
          new OnlineRecommender(name, saved, config.types(), config.online(), id -> self[0] == null ? List.of() : self[0].categoriesOf(id), clock)));
      LiveService live = new LiveService(config, dir, log, catalog, Collections.unmodifiableMap(recs), clock, versions);
      self[0] = live;
      live.start();
      return live;
    } catch (RuntimeException e) {
      for (AutoCloseable c : opened) {
        try {
          c.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  private void start() {
    catalog.forEachItem(this::track);
    for (OnlineRecommender r : recommenders.values()) {
      r.setAvailabilityByExternalId(this::recommendable);
    }
    long[] skipped = new long[1];
    long replayed = replayLog(Long.MAX_VALUE, le -> {
      Event e = le.event();
      if (e.id() != null) {
        ids.remember(e.id());
      }
      try {
        observeOne(e);
      } catch (IllegalArgumentException bad) {
        skipped[0]++;
      }
    });
    report = new OpenReport(log.recovery(), replayed - skipped[0], skipped[0], List.copyOf(recommenders.keySet()));
    // The caller prints the report (openReport()); a damaged log is worth a warning on its own.
    LOG.log(report.recovery().clean() ? Level.DEBUG : Level.WARNING, report.summary());
  }

  /**
   * Replays the durable log in order, up to log position {@code upTo} (inclusive): the one read path of
   * the log, used for the online state at open and for training snapshots, so whatever it leaves out
   * (erased users) is left out of both. Runs on the caller's thread.
   *
   * @return events passed to {@code sink}
   */
  public long replayLog(long upTo, Consumer<LoggedEvent> sink) {
    long[] sent = new long[1];
    log.replay(1, le -> {
      if (le.sequence() <= upTo) {
        sink.accept(le);
        sent[0]++;
      }
    });
    return sent[0];
  }

  /** The model versions on disk. */
  public ModelVersions versions() {
    return versions;
  }

  /**
   * Serves {@code saved} under {@code name} from the next request on: the online recommender's model
   * view and the model behind {@code /v1/similar} are each replaced by one reference write. Requests
   * already running finish on the model they started with; none sees a half-built one (both are built
   * before the writes).
   */
  public void swap(String name, SavedModel saved) {
    OnlineRecommender r = recommenders.get(name);
    if (r == null) {
      throw new IllegalArgumentException("unknown model '" + name + "'; models: " + String.join(", ", recommenders.keySet()));
    }
    ModelRecommender similar = new ModelRecommender(name, saved);
    r.swapModel(name, saved);
    serving.put(name, similar);
  }

  /** The model serving {@code name} now, as a {@link ModelRecommender} (for {@code /v1/similar}); null for an unknown name. */
  public ModelRecommender servingModel(String name) {
    return serving.get(name);
  }

  /** The background training of this service, once started ({@link ModelLifecycle#start}); else null. */
  public ModelLifecycle lifecycle() {
    return lifecycle;
  }

  /** Per model: the serving version, its creation time and swaps so far, for /metrics. */
  java.util.List<ServerMetrics.ModelVersionGauge> versionGauges() {
    List<ServerMetrics.ModelVersionGauge> out = new ArrayList<>();
    ModelLifecycle l = lifecycle;
    for (String name : versions.names()) {
      long v = versions.serving(name);
      long created = versions.version(name, v).map(ModelVersions.Version::createdAt).orElse(0L);
      out.add(new ServerMetrics.ModelVersionGauge(name, v, created, l == null ? 0 : l.swaps(name)));
    }
    return out;
  }

  void attach(ModelLifecycle l) {
    lifecycle = l;
  }

  private java.util.Collection<String> categoriesOf(String item) {
    ItemRecord r = described.get(item);
    return r == null ? List.of() : r.categories();
  }

  /** What the open found and replayed. */
  public OpenReport openReport() {
    return report;
  }

  public Config config() {
    return config;
  }

  public EventTypes eventTypes() {
    return config.types();
  }

  public DataDirectory directory() {
    return directory;
  }

  public EventLog log() {
    return log;
  }

  public Catalog catalog() {
    return catalog;
  }

  /** The recommenders by model name, in name order. */
  public Map<String, OnlineRecommender> recommenders() {
    return recommenders;
  }

  /** Events observed since open (replayed ones included). */
  public long observedEvents() {
    return observed.get();
  }

  /**
   * Reserves the events' idempotency ids: returns, per event, null when it is new (now reserved), or
   * the future of the earlier append of the same id (the event is then a repeat and must not be
   * appended). Ids repeated within {@code events} count as repeats of their first occurrence.
   */
  public List<CompletableFuture<Long>> reserveIds(List<Event> events, CompletableFuture<Long> pending) {
    return ids.reserve(events, pending);
  }

  /** Forgets reservations made for a batch whose append failed, so a retry is accepted. */
  public void releaseIds(List<Event> events, CompletableFuture<Long> pending) {
    ids.release(events, pending);
  }

  /** Appends to the log; completes on the log's writer thread once the events are durable. */
  public CompletableFuture<Long> append(List<Event> events) {
    return log.append(events);
  }

  /** Applies durable events to every recommender; an event a recommender refuses is skipped (it was validated before logging). */
  public void observe(List<Event> events) {
    for (Event e : events) {
      try {
        observeOne(e);
      } catch (IllegalArgumentException bad) {
        LOG.log(Level.WARNING, "event not applied to the online state: " + bad.getMessage());
      }
    }
  }

  private void observeOne(Event e) {
    for (OnlineRecommender r : recommenders.values()) {
      r.observe(e);
    }
    observed.incrementAndGet();
  }

  /** Whether the item may be returned now (catalog: available, published, not expired; unknown items are). */
  public boolean recommendable(String item) {
    ItemRecord r = described.get(item);
    return r == null || r.recommendableAt(clock.getAsLong());
  }

  public Optional<ItemRecord> getItem(String id) {
    return catalog.getItem(id);
  }

  /** Stores the item (durably) and makes it recommendable, or hidden, at once. */
  public void putItem(ItemRecord item) {
    catalog.putItem(item);
    track(item);
    for (OnlineRecommender r : recommenders.values()) {
      r.addItem(item.id());
    }
  }

  /** Patches the stored item; empty when there is none. */
  public Optional<ItemRecord> patchItem(String id, ItemPatch patch) {
    Optional<ItemRecord> r = catalog.patchItem(id, patch);
    r.ifPresent(this::track);
    return r;
  }

  /** Deletes the item's catalog record; the item stays known to models and counters but is no longer described. */
  public boolean deleteItem(String id) {
    boolean existed = catalog.deleteItem(id);
    described.remove(id);
    restricted.remove(id);
    return existed;
  }

  public Optional<UserRecord> getUser(String id) {
    return catalog.getUser(id);
  }

  public void putUser(UserRecord user) {
    catalog.putUser(user);
  }

  /**
   * Erases the user's profile and online state (history, seen and negative items). Their events stay
   * in the log and in aggregate counters and trained models: see the class comment of the HTTP routes.
   *
   * @return whether there was a profile or online state
   */
  public boolean deleteUser(String id) {
    boolean existed = catalog.deleteUser(id);
    for (OnlineRecommender r : recommenders.values()) {
      existed |= r.forget(id);
    }
    return existed;
  }

  private void track(ItemRecord item) {
    boolean plain = item.available() && item.publishedAt() == null && item.expiresAt() == null;
    if (plain && item.categories().isEmpty()) {
      described.remove(item.id());
    } else {
      described.put(item.id(), item);
    }
    if (plain) {
      restricted.remove(item.id());
    } else {
      restricted.add(item.id());
    }
  }

  /**
   * The catalog items not recommendable now (unavailable, unpublished, expired), for paths that take
   * an exclusion list rather than the availability hook ({@code /v1/similar}). Costs O(items with
   * such fields) per call.
   */
  public List<String> hiddenItems() {
    long now = clock.getAsLong();
    List<String> out = new ArrayList<>();
    for (String id : restricted) {
      ItemRecord r = described.get(id);
      if (r != null && !r.recommendableAt(now)) {
        out.add(id);
      }
    }
    return out;
  }

  /** Closes the log (final fsync), the catalog (flush), then releases the directory. Idempotent. */
  @Override
  public void close() {
    ModelLifecycle l = lifecycle;
    if (l != null) {
      l.close(); // stop training before the log it reads closes
    }
    RuntimeException failure = null;
    for (AutoCloseable c : List.<AutoCloseable>of(log, catalog, directory)) {
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = e instanceof RuntimeException re ? re : new IllegalStateException(e.getMessage(), e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * The last {@code capacity} event ids, each with the future of the append that carried it. Bounded:
   * the eldest id is forgotten when a new one arrives at capacity.
   */
  private static final class IdempotencyWindow {
    private static final CompletableFuture<Long> DURABLE = CompletableFuture.completedFuture(0L);
    private final int capacity;
    private final LinkedHashMap<String, CompletableFuture<Long>> ids;

    IdempotencyWindow(int capacity) {
      this.capacity = capacity;
      this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Long>> eldest) {
          return size() > IdempotencyWindow.this.capacity;
        }
      };
    }

    synchronized void remember(String id) {
      if (capacity > 0) {
        ids.put(id, DURABLE);
      }
    }

    synchronized List<CompletableFuture<Long>> reserve(List<Event> events, CompletableFuture<Long> pending) {
      List<CompletableFuture<Long>> out = new ArrayList<>(events.size());
      for (Event e : events) {
        CompletableFuture<Long> earlier = null;
        if (e.id() != null && capacity > 0) {
          earlier = ids.putIfAbsent(e.id(), pending);
          if (earlier == pending) {
            earlier = DURABLE; // a repeat inside this batch: durable together with its first occurrence
          }
        }
        out.add(earlier);
      }
      return out;
    }

    synchronized void release(List<Event> events, CompletableFuture<Long> pending) {
      for (Event e : events) {
        if (e.id() != null) {
          ids.remove(e.id(), pending);
        }
      }
    }
  }
}
