package dev.funnel.bench.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.funnel.bench.serve.ChildServer;
import dev.funnel.bench.serve.LoadGenerator;
import dev.funnel.bench.serve.LoadResult;
import dev.funnel.data.Dataset;
import dev.funnel.data.Interactions;
import dev.funnel.lifecycle.Retraining;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.LiveService;
import dev.funnel.server.ModelLifecycle;
import dev.funnel.server.ServerConfig;
import dev.funnel.store.DataDirectory;
import dev.funnel.store.Event;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Hot swaps under load: the live service (log, catalog, online state, ItemCF) with two model
 * versions on disk, the open-loop {@link LoadGenerator} sending {@code rate} {@code /v1/recommend}
 * requests per second, and after a steady phase {@code swaps} rollbacks over HTTP alternating
 * between the versions. Each rollback loads the version's file, builds the serving model and swaps
 * it in, while the load goes on.
 *
 * <p>Version 0 is ItemCF trained on the dataset's training part (the seed file); version 1 is trained
 * by the model lifecycle itself on the same events appended to the log (snapshot, holdout, refit).
 *
 * <p>Row: {@code swaps}, {@code failed} (non-2xx, errors and timeouts over the whole measured run),
 * {@code steady_p99_ms} (requests scheduled before the first swap), {@code swap_p99_ms} (requests
 * scheduled while a swap ran, or within {@code grace_ms} after it ended), plus counts and the
 * swap durations.
 */
public final class HotSwapBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HotSwapBench() {}

  /**
   * The bench's settings (from the preset). {@code server}: {@code jvm} or {@code process}; {@code root} (the project
   * folder), {@code serverHeap} and {@code serverJvmOptions} are for {@code process}; {@code warmupSwaps} untimed swaps
   * (at least one cycle) precede the measured ones.
   */
  public record Settings(double rate, int connections, int swaps, Duration warmup, Duration steady, long gapMillis, long graceMillis, int k,
      List<String> sources, String server, Path root, String serverHeap, List<String> serverJvmOptions, int warmupSwaps) {
    public Settings {
      if (!server.equals("jvm") && !server.equals("process")) {
        throw new IllegalArgumentException("field 'server': must be jvm or process; server=" + server);
      }
    }
  }

  /**
   * One row per swap source: {@code memory} rolls back and forth between the two newest versions (the
   * version swapped out last is kept in memory, so each swap builds the serving model and swaps);
   * {@code file} cycles over three versions, so every swap first reads a version file.
   *
   * <p>The versions are made first, in this JVM (the seed, then the lifecycle's trainings on the events
   * appended to the log). {@code server: process} then serves that data directory from {@code bin/funnel
   * serve} in its own JVM ({@link ChildServer}), as deployed: the load generator and the admin client stay
   * here and share no heap, safepoints or compiled code with the server; {@code server: jvm} serves it in
   * this JVM.
   */
  public static List<Map<String, Object>> run(Dataset d, String name, SavedModel seed, Settings s) throws Exception {
    for (String source : s.sources()) {
      if (!source.equals("memory") && !source.equals("file")) {
        throw new IllegalArgumentException("swap source must be memory or file; source=" + source);
      }
    }
    Path dir = Files.createTempDirectory("funnel-hotswap-bench");
    Files.createDirectories(dir.resolve(DataDirectory.MODELS_DIR));
    ModelFile.write(dir.resolve(DataDirectory.MODELS_DIR).resolve(name + ModelFile.SUFFIX), seed);
    LiveService live = LiveService.open(dir, null, LiveService.Config.defaults());
    FunnelServer server = null;
    ModelLifecycle lifecycle = null;
    try {
      // The bench measures swapping, not the promotion rule: a tolerance of 0.99 promotes whatever is trained.
      lifecycle = ModelLifecycle.start(live,
          ModelLifecycle.Config.defaults().withRetraining(Retraining.Config.defaults().withTolerance(0.99)));
      long appended = appendTraining(live, d);
      System.out.printf("appended %,d events to the log%n", appended);
      int versions = s.sources().contains("file") ? 2 : 1;
      for (int v = 0; v < versions; v++) {
        ModelLifecycle.Result trained = lifecycle.train(name).get(30, TimeUnit.MINUTES);
        System.out.printf("trained version %d in %.1f s: %s%n", trained.version(), trained.seconds(), trained.reason());
        if (!trained.promoted()) {
          throw new IllegalStateException("the trained version was not promoted: " + trained.reason());
        }
      }
      if (s.server().equals("process")) {
        lifecycle.close();
        lifecycle = null;
        live.close();
        live = null;
        System.gc(); // the training garbage of this JVM (the load generator's) is not collected during a measured window
        // No --seed-popularity: the log holds the training events, replayed at start.
        try (ChildServer child = ChildServer.start(s.root(), dir, s.serverHeap(), s.serverJvmOptions(), List.of())) {
          return measureSources(d, name, s, child.base());
        }
      }
      ServerConfig defaults = ServerConfig.defaults();
      server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, defaults.maxK(), null, defaults.eventLoops()), live);
      return measureSources(d, name, s, URI.create("http://127.0.0.1:" + server.port()));
    } finally {
      if (server != null) {
        server.close();
      }
      if (lifecycle != null) {
        lifecycle.close();
      }
      if (live != null) {
        live.close();
      }
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static List<Map<String, Object>> measureSources(Dataset d, String name, Settings s, URI base) throws Exception {
    // JIT-compile the serving and client paths first: on a starved machine an interpreted server falls
    // behind during the first row's warm-up and the open-loop backlog spills into its steady phase.
    LoadResult prewarm = LoadGenerator.run(base, paths(d, s.k()), s.rate(), Duration.ZERO, s.warmup().multipliedBy(2), s.connections());
    System.out.println("pre-warm: " + prewarm.summary());
    List<Map<String, Object>> rows = new ArrayList<>();
    try (AdminClient.Process admin = new AdminClient.Process()) {
      for (String source : s.sources()) {
        long[] cycle = source.equals("memory") ? new long[] {0, 1} : new long[] {0, 1, 2};
        rows.add(measure(d, name, s, base, admin, source, cycle));
      }
    }
    return rows;
  }

  private static Map<String, Object> measure(Dataset d, String name, Settings s, URI base, AdminClient.Process admin, String source,
      long[] cycle) throws Exception {
    // Let the garbage of the training just done go first, so the steady phase is not its full GC.
    System.gc();
    Thread.sleep(5_000);
    // Untimed swaps through the cycle to warm up the path (their duration sizes the measured window). A server's first
    // rollbacks after a long run of recommendations deoptimise hot framework methods (Netty buffers, Vert.x futures and
    // worker tasks: class-check traps, -XX:+PrintCompilation shows "made not entrant: uncommon trap") until the JIT has
    // recompiled them for both paths, a few swaps later: warmup_swaps keeps that one-time settling out of the figure.
    long t0 = System.nanoTime();
    // Whole cycles, so the first measured swap leaves the version the warm-up ended on.
    int warmSwaps = (Math.max(s.warmupSwaps(), 1) + cycle.length - 1) / cycle.length * cycle.length;
    for (int n = 0; n < warmSwaps; n++) {
      swap(admin, base, name, cycle[n % cycle.length]);
      Thread.sleep(200);
    }
    double warmSwapMillis = ((System.nanoTime() - t0) / 1e6 - 200.0 * warmSwaps) / warmSwaps;
    System.out.printf("%s: warm-up swaps %.0f ms each%n", source, warmSwapMillis);
    long swapsBefore = swapsServed(admin, base, name);

    List<String> paths = paths(d, s.k());
    long swapPhaseMillis = (long) (s.swaps() * (warmSwapMillis * 2 + s.gapMillis())) + 5_000;
    Duration measured = s.steady().plus(Duration.ofMillis(swapPhaseMillis));
    int capacity = (int) (s.rate() * measured.toSeconds() * 1.1) + 10_000;
    long[] intended = new long[capacity];
    long[] micros = new long[capacity];
    boolean[] ok = new boolean[capacity];
    int[] count = new int[1];
    long[][] windows = new long[s.swaps()][2];
    long[] measureStart = new long[1];
    Thread swapper = new Thread(() -> {
      try {
        long startAt = System.nanoTime() + s.warmup().toNanos() + s.steady().toNanos() + 20_000_000L;
        measureStart[0] = startAt - s.steady().toNanos();
        // The warm-up swaps again, now under the load's warm-up: the request path's compiled code must have seen
        // every version serve (swapped without requests above, a branch only the other version takes stays an
        // uncommon trap, and the first measured swap deoptimises recommend() itself). Whole cycles, as above.
        Thread.sleep(Math.min(2_000, s.warmup().toMillis() / 4));
        for (int n = 0; n < warmSwaps; n++) {
          swap(admin, base, name, cycle[n % cycle.length]);
          Thread.sleep(200);
        }
        if (System.nanoTime() > measureStart[0] - 2_000_000_000L) {
          throw new IllegalStateException("the warm-up swaps under load ran into the last 2 s before the steady phase; raise warmup_seconds");
        }
        while (System.nanoTime() < startAt) {
          Thread.sleep(5);
        }
        for (int n = 0; n < s.swaps(); n++) {
          windows[n][0] = System.nanoTime();
          swap(admin, base, name, cycle[n % cycle.length]);
          windows[n][1] = System.nanoTime();
          System.out.printf("swap %d to version %d: ended %s, %.1f ms%n", n, cycle[n % cycle.length], java.time.LocalTime.now(),
              (windows[n][1] - windows[n][0]) / 1e6);
          Thread.sleep(s.gapMillis());
        }
      } catch (Exception e) {
        throw new IllegalStateException("swap failed: " + e.getMessage(), e);
      }
    }, "hotswap-swapper");
    Throwable[] swapFailure = new Throwable[1];
    swapper.setUncaughtExceptionHandler((t, e) -> swapFailure[0] = e);
    swapper.start();
    LoadResult load = LoadGenerator.run(base, paths, s.rate(), s.warmup(), measured, s.connections(), (when, latency, good) -> {
      int i = count[0];
      if (i < intended.length) {
        intended[i] = when;
        micros[i] = latency;
        ok[i] = good;
        count[0] = i + 1;
      }
    });
    swapper.join();
    if (swapFailure[0] != null) {
      throw new IllegalStateException(swapFailure[0].getMessage(), swapFailure[0]);
    }
    Histogram steady = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    Histogram during = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
    long graceNanos = TimeUnit.MILLISECONDS.toNanos(s.graceMillis());
    long failed = load.errors();
    int n = count[0];
    long failedSteady = 0;
    long failedSwap = 0;
    for (int i = 0; i < n; i++) {
      long t = intended[i];
      if (t < windows[0][0]) {
        steady.recordValue(micros[i]);
        failedSteady += ok[i] ? 0 : 1;
        continue;
      }
      for (long[] w : windows) {
        if (t >= w[0] && t <= w[1] + graceNanos) {
          during.recordValue(micros[i]);
          failedSwap += ok[i] ? 0 : 1;
          break;
        }
      }
    }
    printSlow(windows, graceNanos, intended, micros, n, 2 * steady.getValueAtPercentile(99));
    double[] swapMillis = new double[s.swaps()];
    double swapTotal = 0;
    double swapMax = 0;
    for (int i = 0; i < s.swaps(); i++) {
      swapMillis[i] = (windows[i][1] - windows[i][0]) / 1e6;
      swapTotal += swapMillis[i];
      swapMax = Math.max(swapMax, swapMillis[i]);
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("swap_source", source);
    row.put("model", name);
    row.put("dataset", d.name());
    row.put("rate", s.rate());
    row.put("swaps", s.swaps());
    row.put("failed", failed);
    row.put("failed_steady", failedSteady);
    row.put("failed_during_swaps", failedSwap);
    row.put("requests", load.requests());
    row.put("steady_requests", steady.getTotalCount());
    row.put("swap_requests", during.getTotalCount());
    row.put("steady_p50_ms", ms(steady.getValueAtPercentile(50)));
    row.put("steady_p99_ms", ms(steady.getValueAtPercentile(99)));
    row.put("swap_p50_ms", ms(during.getValueAtPercentile(50)));
    row.put("swap_p99_ms", ms(during.getValueAtPercentile(99)));
    row.put("swap_max_ms", ms(during.getMaxValue()));
    row.put("all_p99_ms", Math.round(load.p99Ms() * 1000) / 1000.0);
    row.put("swap_duration_mean_ms", Math.round(swapTotal / s.swaps() * 10) / 10.0);
    row.put("swap_duration_max_ms", Math.round(swapMax * 10) / 10.0);
    row.put("qps", Math.round(load.qps() * 10) / 10.0);
    row.put("swaps_counted", swapsServed(admin, base, name) - swapsBefore - warmSwaps); // less the warm-up under load
    row.put("server", s.server());
    System.out.println(load.summary());
    System.out.println(row);
    return row;
  }

  /**
   * Where a swap's slow requests fall: per swap window, those over {@code thresholdMicros} (twice the steady p99) by their
   * scheduled time from the swap's start, in ms (the swap ends at the window's "swap ..." line's duration).
   */
  private static void printSlow(long[][] windows, long graceNanos, long[] intended, long[] micros, int n, long thresholdMicros) {
    for (int w = 0; w < windows.length; w++) {
      StringBuilder sb = new StringBuilder();
      int slow = 0;
      for (int i = 0; i < n; i++) {
        if (intended[i] >= windows[w][0] && intended[i] <= windows[w][1] + graceNanos && micros[i] > thresholdMicros) {
          slow++;
          if (slow <= 12) {
            sb.append(String.format(" %+.1f(%.1f)", (intended[i] - windows[w][0]) / 1e6, micros[i] / 1e3));
          }
        }
      }
      System.out.printf("swap %d (%.1f ms): %d requests over %.2f ms; at ms from its start (latency ms):%s%n", w,
          (windows[w][1] - windows[w][0]) / 1e6, slow, thresholdMicros / 1e3, sb);
    }
  }

  /** Random known users, fixed seed, so every run sends the same request mix. */
  private static List<String> paths(Dataset d, int k) {
    SplittableRandom rnd = new SplittableRandom(42);
    List<String> paths = new ArrayList<>();
    for (int n = 0; n < 10_000; n++) {
      paths.add("/v1/recommend?user=" + d.users().external(rnd.nextInt(d.users().size())) + "&k=" + k);
    }
    return paths;
  }

  private static double ms(long micros) {
    return Math.round(micros) / 1000.0;
  }

  /** Appends the matrix's cells as click events (timestamps rising to now) and applies them to the online state. */
  private static long appendTraining(LiveService live, Dataset d) {
    Interactions train = d.train();
    long now = System.currentTimeMillis();
    long nnz = train.nnz();
    long t = now - nnz;
    List<Event> batch = new ArrayList<>(10_000);
    long n = 0;
    // The dataset has no timestamps: each user's items get rising times in a seeded random order, so the
    // lifecycle's per-user "newest" holdout is a random 20% of each user rather than their highest item ids.
    SplittableRandom rnd = new SplittableRandom(42);
    for (int u = 0; u < train.numUsers(); u++) {
      String user = d.users().external(u);
      int[] row = train.itemsOf(u);
      for (int i = row.length - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int x = row[i];
        row[i] = row[j];
        row[j] = x;
      }
      for (int p = 0; p < row.length; p++) {
        String item = d.items().external(row[p]);
        batch.add(Event.of(user, item, "click", t++));
        if (batch.size() == 10_000) {
          flush(live, batch);
          n += 10_000;
        }
      }
    }
    n += batch.size();
    flush(live, batch);
    return n;
  }

  private static void flush(LiveService live, List<Event> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<Event> copy = List.copyOf(batch);
    live.append(copy).join();
    live.observe(copy);
    batch.clear();
  }

  /** The server's hot-swap count of the model, from {@code GET /metrics} ({@code funnel_model_swaps_total}). */
  private static long swapsServed(AdminClient.Process admin, URI base, String name) throws Exception {
    Map.Entry<Integer, String> r = admin.call("GET", base.resolve("/metrics"));
    String prefix = "funnel_model_swaps_total{model=\"" + name + "\"} ";
    for (String line : r.getValue().split("\n")) {
      if (line.startsWith(prefix)) {
        return Long.parseLong(line.substring(prefix.length()).trim());
      }
    }
    throw new IllegalStateException("GET /metrics answered " + r.getKey() + " without " + prefix.trim());
  }

  private static void swap(AdminClient.Process admin, URI base, String name, long version) throws Exception {
    Map.Entry<Integer, String> r = admin.call("POST", base.resolve("/v1/models/" + name + "/rollback?version=" + version));
    JsonNode body = JSON.readTree(r.getValue());
    if (r.getKey() != 200) {
      throw new IllegalStateException("rollback to version " + version + " answered " + r.getKey() + ": " + r.getValue());
    }
    if (!body.path("promoted").asBoolean(false)) {
      throw new IllegalStateException("rollback to version " + version + " swapped nothing: " + r.getValue());
    }
    if (body.get("version").asLong() != version) {
      throw new IllegalStateException("rollback to version " + version + " serves " + body.get("version"));
    }
  }
}
