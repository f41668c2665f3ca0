package dev.funnel.server;

import dev.funnel.config.Params;
import dev.funnel.lifecycle.Retraining;
import dev.funnel.lifecycle.TrainingSnapshot;
import dev.funnel.recall.SavedModel;
import dev.funnel.registry.Registry;
import dev.funnel.util.Niceness;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Background training and the model lifecycle of a {@link LiveService}: on a schedule (every N
 * minutes or every N new logged events) or on demand, take a consistent snapshot of the log (up to
 * its durable end, through {@link LiveService#replayLog}), retrain each configured model on it
 * ({@link Retraining}: temporal holdout, comparison with the serving version, refit), and either
 * write and swap in a new version or keep the serving one and record why. Rollback swaps an older
 * version back in.
 *
 * <p>Training runs on one daemon thread, and by default trains and evaluates on that thread only, so
 * on a small machine it takes at most one core from serving; requests never wait for it. Rollbacks
 * read and build on a second one, so a rollback does not queue behind a training. Both threads run
 * at a low CPU priority ({@link Niceness#background}: nice 19 on Linux), so a waking request thread
 * preempts them at once rather than waiting out a time slice. Swapping is {@link LiveService#swap}:
 * reference writes of fully built models.
 *
 * <p>The version swapped out last stays in memory (one per model, so up to twice a model's heap), so
 * rolling back to it swaps at once; any other version is read from its file first.
 *
 * <p>Disk before memory: a promoted version's file and manifest are written, then it is swapped in,
 * so after a crash the manifest's serving version is the one last decided. Manifest changes and swaps
 * happen under one lock, so the manifest and what serves never disagree after training and rollback
 * race.
 */
public final class ModelLifecycle implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ModelLifecycle.class.getName());

  /** What to train for a model name: the algorithm and its parameters. */
  public record TrainSpec(String algorithm, Map<String, String> params) {
    public TrainSpec {
      Registry.recall(Objects.requireNonNull(algorithm, "algorithm"));
      params = Map.copyOf(params);
    }

    /**
     * Parses {@code NAME=ALGO[,key=value...]}, e.g. {@code itemcf=itemcf,neighbors=200}.
     *
     * @return the name and its spec
     */
    public static Map.Entry<String, TrainSpec> parse(String text) {
      int eq = text.indexOf('=');
      if (eq <= 0 || eq == text.length() - 1) {
        throw new IllegalArgumentException("train spec must be NAME=ALGORITHM[,key=value...]; got '" + text + "'");
      }
      String[] parts = text.substring(eq + 1).split(",");
      Map<String, String> params = new LinkedHashMap<>();
      for (int p = 1; p < parts.length; p++) {
        int e = parts[p].indexOf('=');
        if (e <= 0) {
          throw new IllegalArgumentException("train spec parameter must be key=value; got '" + parts[p] + "' in '" + text + "'");
        }
        params.put(parts[p].substring(0, e).strip(), parts[p].substring(e + 1).strip());
      }
      return Map.entry(text.substring(0, eq).strip(), new TrainSpec(parts[0].strip(), params));
    }
  }

  /**
   * @param everyMillis train when this long has passed since the last training (0: off)
   * @param everyEvents train when this many events were logged since the last training (0: off)
   * @param keep model versions kept on disk per model (the serving one always is)
   * @param retraining holdout, metric, tolerance, refit, threads
   * @param train what to train per model name; a name not here retrains its serving model's algorithm
   *     with that model's stored parameters
   * @param seed training seed
   * @param checkMillis how often the schedule is checked
   */
  public record Config(long everyMillis, long everyEvents, int keep, Retraining.Config retraining, Map<String, TrainSpec> train, long seed,
      long checkMillis) {
    /** Default versions kept per model. */
    public static final int DEFAULT_KEEP = 5;

    public Config {
      if (everyMillis < 0) {
        throw new IllegalArgumentException("everyMillis must be >= 0 (0 = off); everyMillis=" + everyMillis);
      }
      if (everyEvents < 0) {
        throw new IllegalArgumentException("everyEvents must be >= 0 (0 = off); everyEvents=" + everyEvents);
      }
      if (keep < 1) {
        throw new IllegalArgumentException("keep must be >= 1; keep=" + keep);
      }
      Objects.requireNonNull(retraining, "retraining");
      train = Map.copyOf(train);
      if (checkMillis < 1) {
        throw new IllegalArgumentException("checkMillis must be positive; checkMillis=" + checkMillis);
      }
    }

    /** No schedule (training only on demand), {@value #DEFAULT_KEEP} versions, default retraining, seed 42, checked every second. */
    public static Config defaults() {
      return new Config(0, 0, DEFAULT_KEEP, Retraining.Config.defaults(), Map.of(), 42L, 1000);
    }

    public Config withSchedule(long millis, long events) {
      return new Config(millis, events, keep, retraining, train, seed, checkMillis);
    }

    public Config withRetraining(Retraining.Config r) {
      return new Config(everyMillis, everyEvents, keep, r, train, seed, checkMillis);
    }

    public Config withTrain(Map<String, TrainSpec> specs) {
      return new Config(everyMillis, everyEvents, keep, retraining, specs, seed, checkMillis);
    }

    public Config withKeep(int versions) {
      return new Config(everyMillis, everyEvents, versions, retraining, train, seed, checkMillis);
    }

    public Config withCheckMillis(long millis) {
      return new Config(everyMillis, everyEvents, keep, retraining, train, seed, millis);
    }
  }

  /**
   * One training's or rollback's result.
   *
   * @param version the serving version afterwards
   * @param promoted whether a new version (training) or another version (rollback) now serves
   */
  public record Result(String model, boolean promoted, long version, long logPosition, String reason, double seconds) {}

  private final LiveService live;
  private final Config config;
  private final ScheduledExecutorService worker;
  /** Rollbacks: reading a version file and building the serving model, beside (not behind) a training. */
  private final ExecutorService loader;
  private final Object swapLock = new Object();
  /** Per model: log position of the last training attempt (promoted or not), and its wall-clock time. */
  private final Map<String, long[]> lastRun = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> swaps = new ConcurrentHashMap<>();
  /** Per model: the version swapped out last, kept in memory so rolling back to it is a swap, not a file load. */
  private final Map<String, Held> previous = new ConcurrentHashMap<>();

  private record Held(long version, LiveService.PreparedModel model) {}
  private volatile String training;
  private volatile boolean closed;

  private ModelLifecycle(LiveService live, Config config) {
    this.live = live;
    this.config = config;
    for (String name : config.train().keySet()) {
      if (!live.versions().has(name)) {
        throw new IllegalArgumentException("train spec for unknown model '" + name + "'; models: " + String.join(", ", live.versions().names()));
      }
    }
    long now = System.currentTimeMillis();
    for (String name : live.versions().names()) {
      long position = live.versions().version(name, live.versions().serving(name)).map(ModelVersions.Version::logPosition).orElse(0L);
      position = Math.max(position, live.versions().lastAttempt(name).map(ModelVersions.Attempt::logPosition).orElse(0L));
      lastRun.put(name, new long[] {position, now});
      swaps.put(name, new AtomicLong());
    }
    worker = Executors.newSingleThreadScheduledExecutor(r -> backgroundThread(r, "funnel-model-training"));
    loader = Executors.newSingleThreadExecutor(r -> backgroundThread(r, "funnel-model-rollback"));
  }

  private static Thread backgroundThread(Runnable r, String name) {
    Thread t = new Thread(() -> {
      Niceness.background();
      r.run();
    }, name);
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    return t;
  }

  /**
   * Starts the lifecycle of {@code live} (replacing none: call once, before serving) and attaches it,
   * so {@link LiveService#close} stops it.
   */
  public static ModelLifecycle start(LiveService live, Config config) {
    if (live.lifecycle() != null) {
      throw new IllegalStateException("the live service already has a model lifecycle");
    }
    ModelLifecycle l = new ModelLifecycle(live, config);
    live.versions().keep(config.keep());
    live.attach(l);
    List<String> erased = live.versions().names().stream().filter(n -> !live.versions().pendingErasures(n).isEmpty()).toList();
    if (!erased.isEmpty()) {
      l.retrainAfterErasure(erased); // erasures a restart interrupted before a clean version served
    }
    if (config.everyMillis() > 0 || config.everyEvents() > 0) {
      l.worker.scheduleWithFixedDelay(l::runDue, config.checkMillis(), config.checkMillis(), TimeUnit.MILLISECONDS);
    }
    return l;
  }

  public Config config() {
    return config;
  }

  /** The model being trained now, or null. */
  public String training() {
    return training;
  }

  /** Swaps done per model since start (trainings promoted and rollbacks). */
  public long swaps(String name) {
    AtomicLong a = swaps.get(name);
    return a == null ? 0 : a.get();
  }

  /**
   * Queues a training of {@code name} on the background thread (after any running one).
   *
   * @throws IllegalArgumentException for an unknown model
   */
  public CompletableFuture<Result> train(String name) {
    live.versions().serving(name); // unknown name: IllegalArgumentException now, not in the future
    CompletableFuture<Result> f = new CompletableFuture<>();
    try {
      worker.execute(() -> {
        try {
          List<Result> r = trainAll(List.of(name));
          f.complete(r.get(0));
        } catch (Throwable e) {
          f.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(new IllegalStateException("the model lifecycle is closed"));
    }
    return f;
  }

  /**
   * Queues a retraining of {@code names}, whose versions held a user erased since: each new version
   * is promoted whatever its holdout score (the serving one must go), then every version that held
   * an erased user is deleted ({@link ModelVersions#purge}).
   */
  public void retrainAfterErasure(List<String> names) {
    try {
      worker.execute(() -> {
        try {
          trainAll(names);
        } catch (RuntimeException e) {
          LOG.log(Level.ERROR, "retraining after an erasure failed (the erased users stay unanswered by " + names
              + " and are retrained at the next training): " + e.getMessage(), e);
        }
      });
    } catch (RejectedExecutionException e) {
      LOG.log(Level.WARNING, "model lifecycle closed: retraining after an erasure waits for the next start");
    }
  }

  /** The schedule's check: trains the models that are due, on one shared snapshot. */
  private void runDue() {
    if (closed) {
      return;
    }
    try {
      long now = System.currentTimeMillis();
      long end = live.log().lastSequence();
      List<String> due = new ArrayList<>();
      for (String name : live.versions().names()) {
        long[] last = lastRun.get(name);
        boolean byTime = config.everyMillis() > 0 && now - last[1] >= config.everyMillis() && end > last[0];
        boolean byEvents = config.everyEvents() > 0 && end - last[0] >= config.everyEvents();
        if (byTime || byEvents) {
          due.add(name);
        }
      }
      if (!due.isEmpty()) {
        trainAll(due);
      }
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "scheduled training failed: " + e.getMessage(), e);
    }
  }

  private List<Result> trainAll(List<String> names) {
    // Erasures recorded before the replay starts are in the log already, so the snapshot holds none of
    // their users' events; a version trained on it clears them. Later ones wait for the next training.
    Map<String, Set<String>> clears = new LinkedHashMap<>();
    for (String name : names) {
      clears.put(name, live.versions().pendingErasures(name));
    }
    long position = live.log().lastSequence();
    TrainingSnapshot.Builder b = new TrainingSnapshot.Builder(live.eventTypes());
    live.replayLog(position, le -> b.accept(le.sequence(), le.event()));
    b.coverUpTo(position);
    TrainingSnapshot snapshot = b.build(config.retraining().holdoutFraction());
    List<Result> out = new ArrayList<>();
    for (String name : names) {
      if (closed) {
        break;
      }
      out.add(trainOne(name, snapshot, clears.get(name)));
    }
    return out;
  }

  private Result trainOne(String name, TrainingSnapshot snapshot, Set<String> erased) {
    long start = System.nanoTime();
    long at = System.currentTimeMillis();
    ModelVersions versions = live.versions();
    training = name;
    try {
      long servingVersion = versions.serving(name);
      SavedModel serving = live.recommenders().get(name).saved();
      long trainedOn = versions.version(name, servingVersion).map(ModelVersions.Version::logPosition).orElse(0L);
      TrainSpec spec = config.train().get(name);
      if (spec == null) {
        spec = new TrainSpec(serving.model().algorithm(), Params.toStrings(serving.model().config()));
      }
      Retraining.Outcome o;
      try {
        // After an erasure the serving version must go whatever the comparison says: no comparison.
        o = erased.isEmpty() ? Retraining.run(spec.algorithm(), spec.params(), snapshot, serving, trainedOn, config.retraining(), config.seed())
            : Retraining.run(spec.algorithm(), spec.params(), snapshot, null, 0, config.retraining(), config.seed());
      } catch (RuntimeException e) {
        double seconds = (System.nanoTime() - start) / 1e9;
        String reason = "training failed: " + e.getMessage();
        versions.recordRejected(name, new ModelVersions.Attempt(at, false, null, snapshot.position(), reason, seconds));
        LOG.log(Level.WARNING, "model '" + name + "': " + reason, e);
        return new Result(name, false, servingVersion, snapshot.position(), reason, seconds);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!o.promoted()) {
        versions.recordRejected(name, new ModelVersions.Attempt(at, false, null, snapshot.position(), o.reason(), seconds));
        LOG.log(Level.INFO, "model '" + name + "' (log position " + snapshot.position() + "): " + o.reason());
        return new Result(name, false, servingVersion, snapshot.position(), o.reason(), seconds);
      }
      String reason = erased.isEmpty() ? o.reason() : "retrained after the erasure of " + erased.size() + " users the serving version held; "
          + o.reason();
      ModelVersions.Version v;
      LiveService.PreparedModel in = live.prepare(name, o.model());
      synchronized (swapLock) {
        long outVersion = versions.serving(name);
        LiveService.PreparedModel out = live.current(name);
        v = versions.addServing(name, o.model(), snapshot.position(), snapshot.events(), o.metrics(),
            new ModelVersions.Attempt(at, true, null, snapshot.position(), reason, seconds));
        previous.put(name, new Held(outVersion, out));
        live.swap(in);
        swaps.get(name).incrementAndGet();
        if (!erased.isEmpty()) {
          List<Long> deleted = versions.purge(name, erased);
          Held held = previous.get(name);
          if (held != null && erased.stream().anyMatch(u -> held.model().saved().users().get(u) >= 0)) {
            previous.remove(name);
          }
          live.relearned(name, erased);
          LOG.log(Level.INFO, "model '" + name + "' version " + v.version() + " trained without " + erased.size()
              + " erased users; deleted the versions that held them: " + deleted);
        }
      }
      LOG.log(Level.INFO, "model '" + name + "' version " + v.version() + " serving (log position " + snapshot.position() + "): " + reason);
      return new Result(name, true, v.version(), snapshot.position(), reason, seconds);
    } finally {
      lastRun.put(name, new long[] {snapshot.position(), System.currentTimeMillis()});
      training = null;
    }
  }

  /**
   * Serves an older version again: {@code target}, or when null the newest version older than the
   * serving one. Loads the file first (requests keep the serving model meanwhile), then swaps and
   * records it in the manifest together.
   *
   * @throws IllegalArgumentException for an unknown model or version, or when there is no older version
   */
  public Result rollback(String name, Long target) {
    try {
      return loader.submit(() -> rollbackNow(name, target)).get();
    } catch (RejectedExecutionException e) {
      throw new IllegalStateException("model lifecycle closed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the rollback of model '" + name + "' (it may still complete)", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("rollback of model '" + name + "' failed: " + e.getCause(), e.getCause());
    }
  }

  private Result rollbackNow(String name, Long target) {
    long start = System.nanoTime();
    ModelVersions versions = live.versions();
    long serving = versions.serving(name);
    long to;
    if (target != null) {
      if (versions.version(name, target).isEmpty()) {
        throw new IllegalArgumentException("model '" + name + "' has no version " + target + "; versions: " + versions.numbers(name));
      }
      to = target;
    } else {
      Optional<Long> older = versions.numbers(name).stream().filter(n -> n < serving).reduce((a, b) -> b);
      to = older.orElseThrow(() -> new IllegalArgumentException(
          "model '" + name + "' has no version older than the serving version " + serving + "; versions: " + versions.numbers(name)));
    }
    if (to == serving) {
      return new Result(name, false, serving, versions.version(name, serving).map(ModelVersions.Version::logPosition).orElse(0L),
          "version " + serving + " is already serving", (System.nanoTime() - start) / 1e9);
    }
    // Prepared before the lock: a rollback to the version held in memory is two reference writes at the
    // swap; one read from disk is loaded and prepared here, beside the request threads, not at the swap.
    Held held = previous.get(name);
    boolean inMemory = held != null && held.version() == to;
    LiveService.PreparedModel in = inMemory ? held.model() : live.prepare(name, versions.load(name, to));
    long prepared = System.nanoTime();
    long pointerNanos;
    synchronized (swapLock) {
      if (closed) {
        throw new IllegalStateException("the model lifecycle closed during the rollback of model '" + name + "'; version " + serving + " still serves");
      }
      if (versions.serving(name) != serving) {
        throw new IllegalArgumentException("model '" + name + "' changed version while rolling back (now " + versions.serving(name) + "); retry");
      }
      LiveService.PreparedModel out = live.current(name);
      long pointerStart = System.nanoTime();
      versions.setServing(name, to);
      pointerNanos = System.nanoTime() - pointerStart;
      live.swap(in);
      previous.put(name, new Held(serving, out));
      swaps.get(name).incrementAndGet();
    }
    String reason = "rolled back from version " + serving + " to version " + to;
    // Where a slow rollback spent its time: loading and preparing, the durable serving pointer (a flush).
    LOG.log(Level.INFO, String.format("model '%s': %s in %.1f ms (version %s, prepared in %.1f ms; serving pointer %.1f ms)", name,
        reason, (System.nanoTime() - start) / 1e6, inMemory ? "held in memory" : "read from its file",
        (prepared - start) / 1e6, pointerNanos / 1e6));
    return new Result(name, true, to, versions.version(name, to).map(ModelVersions.Version::logPosition).orElse(0L), reason,
        (System.nanoTime() - start) / 1e9);
  }

  /** Stops the schedule; a training in progress finishes its current model (up to 60 s are waited for). */
  @Override
  public void close() {
    closed = true;
    loader.shutdownNow();
    worker.shutdownNow();
    try {
      if (!worker.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, "model training still running after 60 s at close");
      }
      if (!loader.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.log(Level.WARNING, "a rollback still running after 60 s at close");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
