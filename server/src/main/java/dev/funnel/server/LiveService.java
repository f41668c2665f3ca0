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
 * the models folder each behind an {@link OnlineRecommender}, and the online state rebuilt at open
 * from the newest online snapshot ({@link OnlineSnapshot}) plus the log after it, or by replaying the
 * whole log. The write side of the HTTP server calls it; it holds no HTTP.
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
   * @param snapshots checkpoints of the online state ({@link OnlineSnapshot}): a restart replays only the log after the newest
   */
  public record Config(EventTypes types, OnlineRecommender.Config online, LogConfig log, int idempotencyWindow, OnlineSnapshot.Config snapshots) {
    public Config {
      Objects.requireNonNull(types, "types");
      Objects.requireNonNull(online, "online");
      Objects.requireNonNull(log, "log");
      Objects.requireNonNull(snapshots, "snapshots");
      if (idempotencyWindow < 0) {
        throw new IllegalArgumentException("idempotencyWindow must be >= 0; idempotencyWindow=" + idempotencyWindow);
      }
    }

    /** With default online snapshots. */
    public Config(EventTypes types, OnlineRecommender.Config online, LogConfig log, int idempotencyWindow) {
      this(types, online, log, idempotencyWindow, OnlineSnapshot.Config.defaults());
    }

    /** Default event types, online settings without training seed (the log is replayed), default log, 1,000,000 ids, default snapshots. */
    public static Config defaults() {
      OnlineRecommender.Config d = OnlineRecommender.Config.defaults();
      OnlineRecommender.Config replayed = new OnlineRecommender.Config(d.users(), d.popularity(), d.triggerHalfLifeMillis(), d.coldStart(),
          false, d.maxItems());
      return new Config(EventTypes.defaults(), replayed, LogConfig.defaults(), 1_000_000);
    }

    public Config withIdempotencyWindow(int ids) {
      return new Config(types, online, log, ids, snapshots);
    }

    public Config withOnline(OnlineRecommender.Config newOnline) {
      return new Config(types, newOnline, log, idempotencyWindow, snapshots);
    }

    public Config withSnapshots(OnlineSnapshot.Config newSnapshots) {
      return new Config(types, online, log, idempotencyWindow, newSnapshots);
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
  private long replayMillis;
  /** Events are applied under the read lock; a snapshot's cut takes the write lock (see {@link OnlineSnapshot}). */
  private final java.util.concurrent.locks.ReentrantReadWriteLock stateLock = new java.util.concurrent.locks.ReentrantReadWriteLock();
  private final OnlineSnapshot.Applied applied = new OnlineSnapshot.Applied();
  private OnlineSnapshot snapshots;

  /** Last sequences of durable batches not yet {@link #observe(List, long)}d: an erasure waits for those before it. */
  private final java.util.concurrent.ConcurrentSkipListSet<Long> unobserved = new java.util.concurrent.ConcurrentSkipListSet<>();
  /**
   * Per user erased by this process: {after, through}, the events with {@code after < sequence <= through}
   * were counted in the online state (the replay at open skipped those through {@code after}), so
   * compaction takes exactly those out of the popularity counters.
   */
  private final Map<String, long[]> counted = new ConcurrentHashMap<>();
  /** One erasure at a time: they share the barrier and the compaction. */
  private final Object erasureLock = new Object();
  /** Pending erasures found at open (a crash before their compaction finished); their events were never counted. */
  private Map<String, Long> erasedAtOpen = Map.of();
  private final java.util.concurrent.ScheduledExecutorService maintenance = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "funnel-log-maintenance");
    t.setDaemon(true);
    return t;
  });
  /** How often retention runs (when the log config sets an age or size limit). */
  static final long RETENTION_PERIOD_MILLIS = 60_000;
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
    long replayStart = System.nanoTime();
    erasedAtOpen = log.pendingErasures();
    // Users erased while a model version held them: not answered by the model until a version trained
    // without them serves. The manifest keeps them across restarts; an erasure a crash interrupted
    // before it reached the manifest is still pending in the log.
    for (String name : versions.names()) {
      OnlineRecommender r = recommenders.get(name);
      versions.pendingErasures(name).forEach(r::unlearn);
      for (String user : erasedAtOpen.keySet()) {
        unlearnFromModels(name, user);
      }
    }
    snapshots = new OnlineSnapshot(directory.snapshotsDir().resolve("online"), config.snapshots());
    OnlineSnapshot.Image image = loadSnapshot();
    long[] held = new long[1];
    long replayed = log.replay(image == null ? 1 : image.through() + 1, le -> {
      if (image != null && image.holds(le.sequence())) {
        held[0]++;
        return;
      }
      Event e = le.event();
      if (e.id() != null) {
        ids.remember(e.id(), e.user());
      }
      try {
        observeOne(e);
      } catch (IllegalArgumentException bad) {
        skipped[0]++;
      }
    });
    applied.reset(log.lastSequence());
    replayed -= held[0];
    report = new OpenReport(log.recovery(), replayed - skipped[0], skipped[0], List.copyOf(recommenders.keySet()));
    replayMillis = (System.nanoTime() - replayStart) / 1_000_000;
    LOG.log(Level.DEBUG, "replayed " + replayed + " logged events into the online state in " + replayMillis + " ms");
    // The caller prints the report (openReport()); a damaged log is worth a warning on its own.
    LOG.log(report.recovery().clean() ? Level.DEBUG : Level.WARNING, report.summary());
    if (!erasedAtOpen.isEmpty()) {
      // Erasures whose compaction a crash interrupted: replay already skipped their events; finish removing the bytes.
      maintenance.execute(() -> {
        try {
          synchronized (erasureLock) {
            log.compact(this::uncount);
          }
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "compaction of pending erasures failed (replay keeps skipping their events; retried at the next erasure or open): "
              + e, e);
        }
      });
    }
    snapshots.start(this::captureSnapshot, observed::get, replayed);
    if (config.log().maxAgeMillis() > 0 || config.log().maxTotalBytes() > 0) {
      maintenance.scheduleWithFixedDelay(this::scheduledRetention, 0, RETENTION_PERIOD_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Applies the log's retention now (it also runs at open and every minute when the log config sets
   * an age or size limit): deletes closed segments older than {@code maxAgeMillis} by the service
   * clock, and the oldest while the log exceeds {@code maxTotalBytes}. The online state keeps what
   * it learnt from them. Returns the deleted files.
   */
  public List<Path> applyRetention() {
    List<Path> deleted = log.applyRetention(java.time.Instant.ofEpochMilli(clock.getAsLong()));
    if (!deleted.isEmpty()) {
      LOG.log(Level.INFO, "log retention deleted " + deleted.size() + " segment(s): " + deleted);
    }
    return deleted;
  }

  private void scheduledRetention() {
    try {
      applyRetention();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "log retention failed: " + e, e);
    }
  }

  /** The newest usable snapshot, restored into every recommender and the idempotency window; null for full replay. */
  private OnlineSnapshot.Image loadSnapshot() {
    if (!config.snapshots().enabled()) {
      return null;
    }
    String refused = config.online().seedFromTraining() ? "the online state is seeded from training (model-dependent counts)"
        : !erasedAtOpen.isEmpty() ? "erasures are pending compaction " + erasedAtOpen.keySet() : null;
    if (refused != null) {
      if (!snapshots.files().isEmpty()) {
        LOG.log(Level.INFO, "online snapshots in " + snapshots.directory() + " not used: " + refused + "; replaying the whole log");
      }
      return null;
    }
    long t0 = System.nanoTime();
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    OnlineSnapshot.Image image = snapshots.load(log.lastSequence()).orElse(null);
    if (image != null) {
      for (OnlineRecommender r : recommenders.values()) {
        image.state().restoreInto(r);
      }
      for (int i = 0; i < image.ids().size(); i++) {
        String user = image.idUsers().get(i);
        ids.remember(image.ids().get(i), user.isEmpty() ? null : user);
      }
      LOG.log(Level.INFO, String.format("loaded online snapshot %s (through sequence %d, %,d users) in %d ms (%d ms CPU); replaying the log after it",
          snapshots.loadedFrom(), image.through(), image.state().users(), (System.nanoTime() - t0) / 1_000_000,
          (threads.getCurrentThreadCpuTime() - cpu0) / 1_000_000));
    }
    return image;
  }

  /** A consistent cut for {@link OnlineSnapshot}, under the state write lock; null when none can be taken now. */
  private OnlineSnapshot.Image captureSnapshot() {
    if (!log.pendingErasures().isEmpty() || recommenders.isEmpty()) {
      return null; // counters may still hold erased events until compaction takes them out
    }
    OnlineRecommender first = recommenders.values().iterator().next();
    List<String> idKeys = new ArrayList<>();
    List<String> idUsers = new ArrayList<>();
    stateLock.writeLock().lock();
    long t0 = System.nanoTime();
    try {
      long[] above = applied.above();
      if (above == null) {
        LOG.log(Level.WARNING, "online snapshot skipped: too many batches applied out of order (a batch appended but never applied?)");
        return null;
      }
      long through = applied.through();
      dev.funnel.online.OnlineState state = dev.funnel.online.OnlineState.capture(first);
      ids.durableIds(idKeys, idUsers);
      return new OnlineSnapshot.Image(through, above, idKeys, idUsers, state, System.nanoTime() - t0);
    } finally {
      stateLock.writeLock().unlock();
    }
  }

  /** The online snapshots (checkpoints) of this service. */
  public OnlineSnapshot snapshots() {
    return snapshots;
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
    swap(prepare(name, saved));
  }

  /**
   * A model version ready to serve: the online recommender's id translation and the {@code /v1/similar}
   * view, built before the swap so that the swap itself only publishes two references (no work beside
   * the request threads at the moment of a swap).
   */
  public record PreparedModel(String name, OnlineRecommender.Prepared online, ModelRecommender similar) {
    public SavedModel saved() {
      return online.saved();
    }
  }

  /** Builds what serving {@code saved} as model {@code name} needs; {@link #swap(PreparedModel)} then serves it. */
  public PreparedModel prepare(String name, SavedModel saved) {
    return new PreparedModel(name, recommender(name).prepare(name, saved), new ModelRecommender(name, saved));
  }

  /** The version of {@code name} serving now, prepared (to swap back to it later without rebuilding it). */
  public PreparedModel current(String name) {
    return new PreparedModel(name, recommender(name).serving(), serving.get(name));
  }

  /** Serves a prepared model from the next request on. */
  public void swap(PreparedModel prepared) {
    recommender(prepared.name()).swapModel(prepared.online());
    serving.put(prepared.name(), prepared.similar());
  }

  private OnlineRecommender recommender(String name) {
    OnlineRecommender r = recommenders.get(name);
    if (r == null) {
      throw new IllegalArgumentException("unknown model '" + name + "'; models: " + String.join(", ", recommenders.keySet()));
    }
    return r;
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

  /** How long the replay of the log into the online state took at open. */
  public long replayMillis() {
    return replayMillis;
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

  /** Event ids held by the idempotency window now (at most {@code config().idempotencyWindow()}). */
  public int idempotencyIds() {
    return ids.size();
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

  /**
   * Appends to the log; completes on the log's writer thread once the events are durable, with the
   * sequence of the last one. The caller must then {@link #observe(List, long)} them with that
   * sequence (even when it answers the request with an error), or an erasure waits for them.
   */
  public CompletableFuture<Long> append(List<Event> events) {
    CompletableFuture<Long> f = log.append(events);
    if (events.isEmpty()) {
      return f;
    }
    return f.thenApply(seq -> {
      unobserved.add(seq);
      return seq;
    });
  }

  /**
   * Applies durable events, the batch {@link #append} acknowledged with {@code lastSequence}, to every
   * recommender; an event a recommender refuses is skipped (it was validated before logging).
   */
  public void observe(List<Event> events, long lastSequence) {
    stateLock.readLock().lock();
    try {
      observe(events);
    } finally {
      if (!events.isEmpty()) {
        applied.add(lastSequence - events.size() + 1, lastSequence); // as far as it went: a snapshot never waits on a failed batch
      }
      stateLock.readLock().unlock();
      if (!events.isEmpty()) {
        unobserved.remove(lastSequence);
      }
    }
  }

  /**
   * Applies events to every recommender without erasure bookkeeping: for events not appended through
   * {@link #append} (tests, tools); use {@link #observe(List, long)} for appended ones.
   */
  public void observe(List<Event> events) {
    stateLock.readLock().lock();
    try {
      for (Event e : events) {
        try {
          observeOne(e);
        } catch (IllegalArgumentException bad) {
          LOG.log(Level.WARNING, "event not applied to the online state: " + bad.getMessage());
        }
      }
    } finally {
      stateLock.readLock().unlock();
    }
  }

  private void observeOne(Event e) {
    for (OnlineRecommender r : recommenders.values()) {
      r.observe(e);
    }
    observed.incrementAndGet();
    for (Consumer<Event> o : observers) {
      try {
        o.accept(e);
      } catch (RuntimeException bad) {
        LOG.log(Level.WARNING, "event observer failed: " + bad, bad);
      }
    }
  }

  /** Observers of applied events (attribution of impressions and clicks to responses). */
  private final List<Consumer<Event>> observers = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Calls {@code observer} with every event applied from now on (not the ones replayed at open),
   * after the recommenders; an observer that throws is logged and skipped.
   */
  public void onObserved(Consumer<Event> observer) {
    observers.add(observer);
  }

  /** Whether the item may be returned now (catalog: available, published, not expired; unknown items are). */
  public boolean recommendable(String item) {
    ItemRecord r = described.get(item);
    return r == null || r.recommendableAt(clock.getAsLong());
  }

  public Optional<ItemRecord> getItem(String id) {
    return catalog.getItem(id);
  }

  /** The item's catalog record or null: from memory for items with categories or restrictions, else from the catalog. */
  public ItemRecord itemRecord(String id) {
    ItemRecord r = described.get(id);
    return r != null ? r : catalog.getItem(id).orElse(null);
  }

  /** The service's clock (epoch ms): request time for scenes' rules and decay. */
  public long now() {
    return clock.getAsLong();
  }

  /** Stores the item (durably) and makes it recommendable, or hidden, at once. */
  public void putItem(ItemRecord item) {
    catalog.putItem(item);
    track(item);
    stateLock.readLock().lock();
    try {
      for (OnlineRecommender r : recommenders.values()) {
        r.addItem(item.id());
      }
    } finally {
      stateLock.readLock().unlock();
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
   * What {@link #eraseUser} did.
   *
   * @param existed whether there was a profile, online state, any logged event of the user or a model
   *     version trained on them
   * @param erasedThrough the log sequence through which the user's events are erased
   * @param eventsErased events whose bytes compaction removed from the log now (0 when compaction failed)
   * @param segmentsRewritten segment files compaction rewrote
   * @param compacted whether compaction finished (false: the erasure is durable and replay skips the
   *     events, and compaction is retried at the next erasure or open)
   * @param modelsRetraining models with a version trained on the user: retraining without them now
   */
  public record Erasure(String user, boolean existed, long erasedThrough, long eventsErased, int segmentsRewritten, boolean compacted,
      List<String> modelsRetraining) {}

  /** Erases the user (see {@link #eraseUser}); returns whether there was anything to erase. */
  public boolean deleteUser(String id) {
    return eraseUser(id).existed();
  }

  /**
   * Right to erasure. In order: every batch appended before the call is made durable and applied
   * (so nothing in flight slips past); the erasure is recorded durably in the log directory (from
   * then on no replay, at restart or for a training snapshot, returns the user's events); the
   * profile (with a catalog compaction, so its bytes go too), the online state and the user's ids in
   * the idempotency window are dropped; then the
   * log is compacted: the segments holding the user's events are rewritten without them (new file,
   * fsync, atomic rename, directory fsync) and each erased event is taken back out of the popularity
   * counters. Events of the user sent after the call returns are new data.
   *
   * <p>Models: from the call on, no model answers for the user from what it learned of them (their
   * training row and parameters are ignored; they are served like a new user). Every model with a
   * version that held the user is retrained at once on a snapshot without them and the new version
   * promoted whatever its holdout score; then every version that held the user is deleted, so no
   * rollback brings them back. Until that retraining is done, other users' recommendations may still
   * reflect aggregates (item similarities, item vectors) the user's events contributed to. The
   * pending erasure is kept in the model's manifest, so a restart does not forget it.
   */
  public Erasure eraseUser(String id) {
    // Every online snapshot goes first (they may hold the user), and none is written until the erasure is done.
    return snapshots.exclusive(() -> erase(id));
  }

  private Erasure erase(String id) {
    synchronized (erasureLock) {
      long[] before = counted.get(id);
      long after = Math.max(erasedAtOpen.getOrDefault(id, 0L), before == null ? 0L : before[1]);
      long through = log.erase(id);
      awaitObserved(through);
      counted.put(id, new long[] {after, through});
      List<String> retrain = new ArrayList<>();
      for (String name : versions.names()) {
        if (unlearnFromModels(name, id)) {
          retrain.add(name);
        }
      }
      ModelLifecycle l = lifecycle;
      if (!retrain.isEmpty()) {
        if (l != null) {
          l.retrainAfterErasure(retrain);
        } else {
          LOG.log(Level.WARNING, "user '" + id + "' erased while models " + retrain + " hold them; they are not answered by those models,"
              + " but no model lifecycle runs to retrain them");
        }
      }
      boolean profile = catalog.deleteUser(id);
      if (profile) {
        catalog.compact(); // a RocksDB delete is a tombstone: compaction drops the old value's bytes too
      }
      boolean existed = profile || !retrain.isEmpty();
      for (OnlineRecommender r : recommenders.values()) {
        existed |= r.forget(id);
      }
      ids.forgetUser(id);
      EventLog.CompactionReport c;
      try {
        c = log.compact(this::uncount);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "compaction after the erasure of user '" + id + "' failed; the erasure is durable and replay skips the events: "
            + e, e);
        return new Erasure(id, true, through, 0, 0, false, retrain);
      }
      return new Erasure(id, existed || c.eventsErased() > 0, through, c.eventsErased(), c.segmentsRewritten(), true, retrain);
    }
  }

  /**
   * When a version of model {@code name} (serving or on disk) was trained on {@code user}: the model
   * stops answering for the user now, and the erasure is recorded in the model's manifest until a
   * version trained without the user serves ({@link ModelLifecycle#retrainAfterErasure}).
   *
   * @return whether a version held the user
   */
  private boolean unlearnFromModels(String name, String user) {
    OnlineRecommender r = recommenders.get(name);
    boolean held = r.saved().users().get(user) >= 0 || !versions.versionsWithUser(name, user).isEmpty();
    if (held) {
      r.unlearn(user);
      versions.addPendingErasure(name, user);
    }
    return held;
  }

  /** A version trained without {@code users} now serves {@code name}: the model may answer for them again. */
  void relearned(String name, java.util.Set<String> users) {
    recommenders.get(name).relearned(users);
  }

  /** Waits (bounded) until every batch through {@code sequence} has been applied to the online state. */
  private void awaitObserved(long sequence) {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!unobserved.isEmpty() && unobserved.first() <= sequence) {
      if (System.nanoTime() > deadline) {
        LOG.log(Level.WARNING, "erasure: batches through sequence " + unobserved.first() + " were never applied to the online state; going on");
        return;
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Compaction's callback: an erased event leaves the popularity counters if this process counted it. */
  private void uncount(dev.funnel.store.log.LoggedEvent le) {
    long[] range = counted.get(le.event().user());
    if (range == null || le.sequence() <= range[0] || le.sequence() > range[1]) {
      return;
    }
    for (OnlineRecommender r : recommenders.values()) {
      try {
        r.unobserve(le.event());
      } catch (IllegalArgumentException notCounted) {
        // The replay skipped it too (type no longer configured).
      }
    }
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
    if (snapshots != null) {
      snapshots.close(); // a final snapshot while the log is still open
    }
    maintenance.shutdownNow();
    try {
      maintenance.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
    /** id -> the append that carried it; the user is kept so an erasure can drop the user's ids. */
    private final LinkedHashMap<String, Reservation> ids;

    private record Reservation(String user, CompletableFuture<Long> append) {}

    /** An erased event's id: a repeat is a duplicate of something durable (and since erased). */
    private static final Reservation ERASED = new Reservation(null, DURABLE);

    IdempotencyWindow(int capacity) {
      this.capacity = capacity;
      this.ids = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Reservation> eldest) {
          return size() > IdempotencyWindow.this.capacity;
        }
      };
    }

    synchronized int size() {
      return ids.size();
    }

    /** The ids whose append is durable, eldest first, with their users ("" for an erased one). */
    synchronized void durableIds(List<String> keys, List<String> users) {
      for (Map.Entry<String, Reservation> e : ids.entrySet()) {
        CompletableFuture<Long> f = e.getValue().append();
        if (f.isDone() && !f.isCompletedExceptionally()) {
          keys.add(e.getKey());
          users.add(e.getValue().user() == null ? "" : e.getValue().user());
        }
      }
    }

    synchronized void remember(String id, String user) {
      if (capacity > 0) {
        ids.put(id, new Reservation(user, DURABLE));
      }
    }

    /**
     * Unlinks the ids of the user's events from the user (right to erasure) but keeps them as bare
     * keys, so a client retry of an erased event within the window is answered as a duplicate and not
     * stored again: the window never brings an erased event back. O(window). Not durable: after a
     * restart the window is rebuilt from the log, which no longer holds them.
     */
    synchronized void forgetUser(String user) {
      ids.replaceAll((id, r) -> user.equals(r.user()) ? ERASED : r);
    }

    synchronized List<CompletableFuture<Long>> reserve(List<Event> events, CompletableFuture<Long> pending) {
      List<CompletableFuture<Long>> out = new ArrayList<>(events.size());
      for (Event e : events) {
        CompletableFuture<Long> earlier = null;
        if (e.id() != null && capacity > 0) {
          Reservation r = ids.putIfAbsent(e.id(), new Reservation(e.user(), pending));
          earlier = r == null ? null : r.append();
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
          Reservation r = ids.get(e.id());
          if (r != null && r.append() == pending) {
            ids.remove(e.id());
          }
        }
      }
    }
  }
}
