package dev.funnel.bench.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.funnel.data.Dataset;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.pipeline.offline.FunnelEvaluation;
import dev.funnel.pipeline.offline.OfflineResources;
import dev.funnel.pipeline.stacking.StackingModel;
import dev.funnel.pipeline.stacking.StackingModelFile;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.LiveService;
import dev.funnel.server.ServerConfig;
import dev.funnel.store.DataDirectory;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * {@code kind: serve-funnel} (issue 8's {@code serve-funnel} preset): several scenes on one live
 * server. Trains every model of {@code models} ({@code params} per model) on the dataset's train split
 * and writes them to a fresh data directory; a scene whose rank is {@code model-ranker} first gets its
 * stacking ranker trained leakage-free on a validation split ({@link FunnelEvaluation#trainStacking}),
 * saved as a {@link StackingModelFile} and loaded by the server through {@code file:}. Then per scene
 * each of its {@code rates} is sent open-loop (random known users; coordinated omission corrected),
 * each followed by the plain {@code /v1/recommend?user=} route at the same rate (the peer in the same
 * run), and a search for {@code max_qps} (at most {@code search_runs} runs): rates rising by
 * {@code search_step} from the highest rate with p99 under {@code max_p99_ms} until one fails, then
 * bisection between the two. Rows: {@code scene, rate, qps, p50_ms, p99_ms, ...}; one summary
 * row per scene with {@code max_qps}.
 *
 * <p>{@code server: process} runs the server as deployed, {@code bin/funnel serve --data DIR} in its
 * own JVM on the same machine ({@link ChildServer}; {@code server_heap}, {@code server_jvm_options}),
 * the load generator staying in this JVM; {@code server: jvm} (the default) starts it in this JVM,
 * sharing the heap, collections and safepoints with the generator and the training leftovers. Scene
 * and plain-route rows are always measured on the same server, so the peer sees the same setup.
 */
public final class FunnelServeBench {
  private FunnelServeBench() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Dataset d, Path preset) throws Exception {
    List<String> models = (List<String>) spec.get("models");
    List<Map<String, Object>> scenes = (List<Map<String, Object>>) spec.get("scenes");
    if (models == null || scenes == null || scenes.isEmpty()) {
      throw new IllegalArgumentException(preset + ": serve-funnel needs 'models' and 'scenes' (each with 'scene' and 'rates')");
    }
    Map<String, Map<String, String>> params = new LinkedHashMap<>();
    Map<String, Object> rawParams = (Map<String, Object>) spec.getOrDefault("params", Map.of());
    rawParams.forEach((m, kv) -> {
      Map<String, String> p = new LinkedHashMap<>();
      ((Map<String, Object>) kv).forEach((key, v) -> p.put(key, String.valueOf(v)));
      params.put(m, p);
    });
    int k = ((Number) spec.getOrDefault("k", 20)).intValue();
    Duration warmup = Duration.ofSeconds(((Number) spec.getOrDefault("warmup_seconds", 10)).longValue());
    Duration duration = Duration.ofSeconds(((Number) spec.getOrDefault("duration_seconds", 20)).longValue());
    int connections = ((Number) spec.getOrDefault("connections", 32)).intValue();
    double maxP99 = ((Number) spec.getOrDefault("max_p99_ms", 50)).doubleValue();
    TrainContext context = new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE);
    String serverMode = String.valueOf(spec.getOrDefault("server", "jvm"));
    if (!serverMode.equals("jvm") && !serverMode.equals("process")) {
      throw new IllegalArgumentException(preset + ": field 'server': must be jvm or process; server=" + serverMode);
    }
    String serverHeap = String.valueOf(spec.getOrDefault("server_heap", "4g"));
    List<String> serverJvmOptions = ((List<Object>) spec.getOrDefault("server_jvm_options", List.of())).stream().map(String::valueOf).toList();
    Duration serverWarmup = Duration.ofSeconds(((Number) spec.getOrDefault("server_warmup_seconds", 0)).longValue());
    double serverWarmupRate = ((Number) spec.getOrDefault("server_warmup_rate", 300)).doubleValue();
    if (serverWarmup.isNegative() || !(serverWarmupRate > 0)) {
      throw new IllegalArgumentException(preset + ": server_warmup_seconds must be >= 0 and server_warmup_rate > 0; server_warmup_seconds="
          + serverWarmup.toSeconds() + ", server_warmup_rate=" + serverWarmupRate);
    }
    Path root = preset.toAbsolutePath().getParent().getParent().getParent(); // ROOT/bench/presets/NAME.yaml

    Path dir = Files.createTempDirectory("funnel-serve-funnel");
    ExecutorService executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "serve-funnel-train");
      t.setDaemon(true);
      return t;
    });
    try {
      Path modelsDir = Files.createDirectories(dir.resolve(DataDirectory.MODELS_DIR));
      for (String m : models) {
        FittedModel fitted = Experiment.fit(m, params.getOrDefault(m, Map.of()), d.train(), context);
        System.out.printf("trained %s in %.2f s%n", m, fitted.fitSeconds());
        ModelFile.write(modelsDir.resolve(m + ModelFile.SUFFIX), SavedModel.of(fitted.model(), d.users(), d.items(), d.train()));
      }
      Path scenesDir = Files.createDirectories(dir.resolve(DataDirectory.SCENES_DIR));
      Path rankers = Files.createTempDirectory("funnel-serve-funnel-rankers");
      List<String> names = new ArrayList<>();
      for (Map<String, Object> entry : scenes) {
        Map<String, Object> scene = new LinkedHashMap<>((Map<String, Object>) entry.get("scene"));
        String name = (String) scene.get("name");
        names.add(name);
        if (scene.get("rank") instanceof Map<?, ?> rank && "model-ranker".equals(rank.get("type")) && !rank.containsKey("file")) {
          Map<String, Object> rankMap = new LinkedHashMap<>((Map<String, Object>) rank);
          long t0 = System.nanoTime();
          StackingModel trained = FunnelEvaluation.trainStacking(name + ".yaml", scene, rankMap, d, FunnelEvaluation.models(scene),
              new FunnelEvaluation.Settings(new int[] {k}, Parallel.defaultThreads(), 42L, params, false), context,
              OfflineResources.catalogue(d.itemFeatures(), d.items()), executor, k, System.out);
          Path file = rankers.resolve(name + ".fnls");
          StackingModelFile.write(file, trained);
          System.out.printf("stacking ranker of %s: %s, %,d rows, trained in %.1f s, %,d bytes -> %s%n", name, trained.model().algorithm(),
              trained.samples(), (System.nanoTime() - t0) / 1e9, Files.size(file), file);
          Map<String, Object> served = new LinkedHashMap<>();
          served.put("type", "model-ranker");
          served.put("file", file.toString());
          if (rankMap.containsKey("model")) {
            served.put("model", rankMap.get("model"));
          }
          scene.put("rank", served);
        }
        new ObjectMapper(new YAMLFactory()).writeValue(scenesDir.resolve(name + ".yaml").toFile(), scene);
      }
      executor.shutdownNow();

      LiveService.Config defaults = LiveService.Config.defaults();
      OnlineRecommender.Config o = defaults.online();
      LiveService.Config config = defaults.withOnline(new OnlineRecommender.Config(o.users(), o.popularity(), o.triggerHalfLifeMillis(),
          o.coldStart(), true, o.maxItems()));
      SplittableRandom rnd = new SplittableRandom(42);
      List<String> users = new ArrayList<>();
      for (int n = 0; n < 10_000; n++) {
        users.add(d.users().external(rnd.nextInt(d.users().size())));
      }
      List<String> plainPaths = users.stream().map(u -> "/v1/recommend?user=" + u + "&k=" + k).toList();
      List<Map<String, Object>> rows = new ArrayList<>();
      Measure measure = new Measure(scenes, names, users, plainPaths, k, warmup, duration, connections, maxP99, d.name(), serverMode,
          serverWarmup, serverWarmupRate, rows);
      if (serverMode.equals("process")) {
        System.gc(); // the training garbage of this JVM (the load generator's) is not collected during a measured window
        try (ChildServer server = ChildServer.start(root, dir, serverHeap, serverJvmOptions)) {
          measure.all(server.base(), server::cpuSeconds);
        }
      } else {
        ServerConfig sd = ServerConfig.defaults();
        try (LiveService live = LiveService.open(dir, null, config);
            FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, sd.maxK(), null, sd.eventLoops()), live)) {
          System.gc();
          measure.all(URI.create("http://127.0.0.1:" + server.port()), null);
        }
      }
      return rows;
    } finally {
      executor.shutdownNow();
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The measured part: every scene's rates, each followed by the plain route at that rate, then the max_qps search. */
  private record Measure(List<Map<String, Object>> scenes, List<String> names, List<String> users, List<String> plainPaths, int k,
      Duration warmup, Duration duration, int connections, double maxP99, String dataset, String server, Duration serverWarmup,
      double serverWarmupRate, List<Map<String, Object>> rows) {
    /** @param serverCpu the server's CPU seconds so far (process mode), or null when it shares this JVM */
    @SuppressWarnings("unchecked")
    void all(URI base, java.util.function.DoubleSupplier serverCpu) {
      warmUp(base);
      for (int s = 0; s < scenes.size(); s++) {
        String name = names.get(s);
        List<String> paths = users.stream().map(u -> "/v1/recommend?scene=" + name + "&user=" + u + "&k=" + k).toList();
        List<Number> rates = (List<Number>) scenes.get(s).getOrDefault("rates", List.of(100));
        double step = ((Number) scenes.get(s).getOrDefault("search_step", rates.get(rates.size() - 1).doubleValue() / 2)).doubleValue();
        int searchMax = ((Number) scenes.get(s).getOrDefault("search_runs", 4)).intValue();
        double maxQps = 0;
        double lo = 0; // highest rate seen under the bound
        double hi = Double.POSITIVE_INFINITY; // lowest rate seen over it
        for (Number r : rates) {
          double rate = r.doubleValue();
          LoadResult result = load(base, paths, name, rate, serverCpu);
          if (result.p99Ms() < maxP99) {
            maxQps = Math.max(maxQps, result.qps());
            lo = Math.max(lo, rate);
          } else {
            hi = Math.min(hi, rate);
          }
          load(base, plainPaths, "(none: plain /v1/recommend)", rate, serverCpu);
        }
        // Step up from the highest passing rate until one fails, then bisect between the two.
        for (int run = 0; run < searchMax; run++) {
          double rate = Double.isInfinite(hi) ? lo + step : (lo + hi) / 2;
          if (!Double.isInfinite(hi) && hi - lo <= step / 4) {
            break;
          }
          LoadResult result = load(base, paths, name, rate, serverCpu);
          if (result.p99Ms() < maxP99) {
            maxQps = Math.max(maxQps, result.qps());
            lo = rate;
          } else {
            hi = rate;
          }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("scene", name);
        summary.put("max_qps", LoadResult.round3(maxQps));
        summary.put("max_p99_ms", maxP99);
        summary.put("search", Double.isInfinite(hi) ? "every rate tried kept p99 under the bound (max_qps is a lower bound)"
            : "p99 crossed the bound at " + hi + " req/s");
        System.out.println(summary);
        rows.add(summary);
      }
    }

    /**
     * {@code server_warmup_seconds} (0: none) at {@code server_warmup_rate} (default 300/s) over every
     * scene and the plain route, unrecorded, before the first measured run: a fresh server compiles
     * its hot paths during the first seconds of load, and a first run at a high rate would otherwise
     * measure the compiler and the backlog it leaves, not the steady state the later runs see.
     */
    private void warmUp(URI base) {
      if (serverWarmup.isZero()) {
        return;
      }
      List<List<String>> all = new ArrayList<>();
      for (String name : names) {
        all.add(users.stream().map(u -> "/v1/recommend?scene=" + name + "&user=" + u + "&k=" + k).toList());
      }
      all.add(plainPaths);
      Duration each = serverWarmup.dividedBy(all.size());
      for (List<String> paths : all) {
        LoadResult r = LoadGenerator.run(base, paths, serverWarmupRate, Duration.ZERO, each.isZero() ? Duration.ofSeconds(1) : each, connections);
        String route = paths.get(0).contains("scene=") ? paths.get(0).replaceAll("&user=.*", "") : "/v1/recommend (plain)";
        System.out.println("server warm-up, not recorded, " + route + ": " + r.summary());
      }
    }

    private LoadResult load(URI base, List<String> paths, String scene, double rate, java.util.function.DoubleSupplier serverCpu) {
      String load = loadAverage();
      double cpu0 = serverCpu == null ? Double.NaN : serverCpu.getAsDouble();
      LoadResult result = LoadGenerator.run(base, paths, rate, warmup, duration, connections);
      double cpu = serverCpu == null ? Double.NaN : serverCpu.getAsDouble() - cpu0;
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("scene", scene);
      row.put("dataset", dataset);
      row.put("server", server);
      row.put("rate", rate);
      row.put("connections", connections);
      row.put("duration_seconds", duration.toSeconds());
      result.putInto(row);
      if (!Double.isNaN(cpu)) {
        // Server CPU per request sent (warm-up included): the work a request costs, unlike latency barely moved by other processes.
        long sent = (long) Math.floor(rate * warmup.toNanos() / 1e9) + result.requests();
        row.put("server_cpu_ms_per_request", sent == 0 ? Double.NaN : LoadResult.round3(cpu * 1000 / sent));
      }
      row.put("load_average", load);
      System.out.println(row);
      rows.add(row);
      return result;
    }
  }

  /** The 1-, 5- and 15-minute load averages before a run (other processes share the cores: the figures' noise). */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return String.valueOf(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }
}
