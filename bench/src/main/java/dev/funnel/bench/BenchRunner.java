package dev.funnel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.funnel.bench.kernel.KernelRows;
import dev.funnel.bench.lightgcn.LightGcnBench;
import dev.funnel.bench.live.IngestBench;
import dev.funnel.bench.serve.LoadGenerator;
import dev.funnel.bench.soak.SoakBench;
import dev.funnel.bench.train.TrainSpeedBench;
import dev.funnel.data.Dataset;
import dev.funnel.data.io.DatasetLoader;
import dev.funnel.data.io.LoadOptions;
import dev.funnel.data.io.LoadResult;
import dev.funnel.data.split.SplitSpec;
import dev.funnel.eval.EvalResult;
import dev.funnel.eval.EvalTable;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.experiment.ResultRow;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.recall.mf.MfBpr;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.ServerConfig;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Runs a benchmark preset ({@code bench/presets/NAME.yaml}) and writes
 * {@code {"name", "machine", "date", "rows": [...]}}. Kinds:
 *
 * <ul>
 *   <li>{@code eval}: rows are the {@code funnel eval --json} results (model, params, metrics,
 *       fit_seconds, eval_seconds);
 *   <li>{@code load}: rows {@code {dataset, repeat, load_seconds, users, items, train, test}};
 *   <li>{@code serve}: rows {@code {model, rate, p50_ms, p90_ms, p99_ms, p999_ms, max_ms, qps, errors}}; the
 *       model is trained with its defaults overridden by the preset's {@code params};
 *   <li>{@code ingest}: durable events over HTTP into the live service, one row per {@code runs} entry
 *       {@code {clients, batch, events_per_s, p50_ms, p99_ms, ...}} ({@link IngestBench#ingest}); an entry with
 *       {@code rate} is open-loop single events ({@link IngestBench#ingestOpenLoop}), sent from this JVM or, with
 *       {@code load_generator: process}, from a small JVM of their own;
 *   <li>{@code ann}: vector-index sweep with peers in the same run ({@link dev.funnel.bench.ann.AnnBench});
 *   <li>{@code ann-gowalla}: Recall@20 of the recall stage's top 500 through HNSW against exact search, on
 *       learned gowalla embeddings ({@link dev.funnel.bench.ann.GowallaAnnBench});
 *   <li>{@code freshness}: event acknowledged -> visible in {@code /v1/recommend}, row {@code {p50_ms, p99_ms, ...}};
 *   <li>{@code soak}: {@code funnel serve} as a child process under mixed reads and writes; rows
 *       {@code {time_s, rss_mb, ...}} every sample and a summary row with {@code growth_pct} ({@link SoakBench});
 *   <li>{@code crash}: {@code kill -9} of the real server process while clients stream events, row {@code {rounds, acknowledged, lost,
 *       duplicated}} ({@link dev.funnel.bench.live.CrashBench});
 *   <li>{@code recovery}: restart after {@code kill -9} with a big log until {@code /ready}, row {@code {events, ready_seconds}}
 *       ({@link dev.funnel.bench.live.RecoveryBench});
 *   <li>{@code lightgcn}: a LightGCN training curve validated on the test set ({@link LightGcnBench}).
 * </ul>
 */
public final class BenchRunner {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private BenchRunner() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(".");
    Path dataRoot = null;
    Path json = null;
    String name = null;
    for (int a = 0; a < args.length; a++) {
      switch (args[a]) {
        case "--root" -> root = Path.of(args[++a]);
        case "--data-root" -> dataRoot = Path.of(args[++a]);
        case "--json" -> json = Path.of(args[++a]);
        default -> {
          if (args[a].startsWith("--") || name != null) {
            System.err.println("bench/run: unexpected argument '" + args[a] + "'; usage: bench/run NAME [--data-root DIR] [--json OUT.json]");
            System.exit(2);
          }
          name = args[a];
        }
      }
    }
    if (name == null) {
      System.err.println("bench/run: a preset name is required");
      System.exit(2);
    }
    if (dataRoot == null) {
      dataRoot = root.toAbsolutePath().normalize().getParent().resolve("shared/data");
    }
    Path preset = root.resolve("bench/presets/" + name + ".yaml");
    if (!Files.exists(preset)) {
      System.err.println("bench/run: no preset " + preset);
      System.exit(2);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = YAML.readValue(preset.toFile(), Map.class);
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("name", name);
    report.put("machine", Machine.describe());
    report.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
    report.put("preset", spec);
    String kind = string(spec, "kind", preset);
    List<Map<String, Object>> rows = switch (kind) {
      case "eval" -> runEval(spec, dataRoot, preset);
      case "load" -> runLoad(spec, dataRoot, preset);
      case "serve" -> runServe(spec, dataRoot, preset);
      case "ingest", "freshness" -> runLive(kind, spec, dataRoot, preset);
      case "soak" -> runSoak(spec, dataRoot, preset);
      case "crash", "recovery" -> runProcess(kind, spec);
      case "hotswap" -> runHotSwap(spec, dataRoot, preset);
      case "ann" -> dev.funnel.bench.ann.AnnBench.run(spec, root, preset);
      case "ann-gowalla" -> dev.funnel.bench.ann.GowallaAnnBench.run(spec, dataRoot, preset);
      case "lightgcn" -> runLightGcn(spec, dataRoot, preset);
      case "train-speed" -> runTrainSpeed(spec, dataRoot, preset);
      case "kernels" -> KernelRows.run(spec);
      case "rank-eval" -> dev.funnel.bench.rank.RankBench.run(spec, dataRoot, preset);
      case "serve-scene" -> dev.funnel.bench.serve.SceneServeBench.run(spec, load(spec, dataRoot, preset), preset);
      case "serve-funnel" -> dev.funnel.bench.serve.FunnelServeBench.run(spec, load(spec, dataRoot, preset), preset);
      case "rank-throughput" -> dev.funnel.bench.rank.RankThroughput.run(spec, root, dataRoot, preset);
      case "rank-interactions" -> dev.funnel.bench.rank.InteractionRankBench.run(spec, dataRoot, preset);
      case "esmm-synthetic" -> dev.funnel.bench.rank.multitask.EsmmSyntheticBench.run(spec, preset);
      case "explore-sim" -> dev.funnel.bench.explore.ExploreSimBench.run(spec, root, preset);
      case "funnel-eval" -> dev.funnel.bench.funnel.FunnelBench.run(spec, load(spec, dataRoot, preset), preset);
      default -> throw new IllegalArgumentException(preset + ": field 'kind': unknown '" + kind
          + "'; valid: eval, load, serve, ingest, freshness, soak, crash, recovery, hotswap, ann, ann-gowalla, lightgcn, train-speed, kernels, rank-eval, rank-throughput, serve-scene, serve-funnel, rank-interactions, esmm-synthetic, explore-sim, funnel-eval");
    };
    report.put("rows", rows);
    String text = JSON.writeValueAsString(report);
    if (json != null) {
      Path parent = json.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(json, text);
      System.out.println("wrote " + json);
    } else {
      System.out.println(text);
    }
  }

  private static Dataset load(Map<String, Object> spec, Path dataRoot, Path preset) {
    LoadResult r = DatasetLoader.load(datasetSpec(spec, dataRoot, preset), loadOptions(spec));
    Dataset d = r.dataset();
    System.out.printf("dataset %s: %,d users, %,d items, %,d train / %,d test (%.2f s)%n", d.name(), d.users().size(), d.items().size(),
        d.train().nnz(), d.test().nnz(), r.seconds());
    return d;
  }

  private static LoadOptions loadOptions(Map<String, Object> spec) {
    LoadOptions o = LoadOptions.defaults();
    if (spec.get("split") != null) {
      o = o.withSplit(SplitSpec.parse(spec.get("split").toString()));
    }
    return o;
  }

  /** "format:relative/path" resolved against the data root. */
  private static String datasetSpec(Map<String, Object> spec, Path dataRoot, Path preset) {
    String s = string(spec, "dataset", preset);
    int colon = s.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(preset + ": field 'dataset': expected format:path; got '" + s + "'");
    }
    Path p = dataRoot.resolve(s.substring(colon + 1));
    if (!Files.exists(p)) {
      throw new IllegalArgumentException(preset + ": dataset path " + p + " does not exist (use --data-root)");
    }
    return s.substring(0, colon) + ":" + p;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> runEval(Map<String, Object> spec, Path dataRoot, Path preset) {
    for (Map<String, Object> m : (List<Map<String, Object>>) spec.get("models")) {
      Experiment.configure(m.get("name").toString(), params(m)); // fail before loading data
    }
    Dataset d = load(spec, dataRoot, preset);
    int threads = spec.get("threads") == null ? Parallel.defaultThreads() : ((Number) spec.get("threads")).intValue();
    List<Integer> kList = (List<Integer>) spec.getOrDefault("k", List.of(20));
    int[] ks = kList.stream().mapToInt(Integer::intValue).toArray();
    int negatives = spec.get("negatives") == null ? 0 : ((Number) spec.get("negatives")).intValue();
    Experiment.Protocol protocol = new Experiment.Protocol(ks, negatives, threads, 42L);
    TrainContext context = new TrainContext(threads, 42L, Progress.NONE);
    List<Map<String, Object>> rows = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<EvalResult> results = new ArrayList<>();
    for (Map<String, Object> m : (List<Map<String, Object>>) spec.get("models")) {
      String model = m.get("name").toString();
      Map<String, String> params = params(m);
      FittedModel fitted = Experiment.fit(model, params, d.train(), context.withItemFeatures(d.itemFeatures()));
      ResultRow row = Experiment.evaluate(fitted, d, protocol, context);
      System.out.printf("%s: fit %.2f s, eval %.2f s, %s%n", model, row.fitSeconds(), row.evalSeconds(), row.metrics());
      Map<String, Object> json = row.toJson();
      json.put("dataset", d.name());
      addFitRows(json, fitted);
      rows.add(json);
      names.add(model);
      results.add(row.evalResult());
    }
    System.out.print(EvalTable.format(results.get(0).protocol(), names, results));
    return rows;
  }

  /**
   * LightGCN training curve with test-set validation ({@link LightGcnBench}); with {@code peer:
   * torch-lightgcn}, a second row times the reference recipe's epoch in PyTorch ({@code peer_train}: the
   * train file under the data root, {@code peer_params}: the script's flags).
   */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> runLightGcn(Map<String, Object> spec, Path dataRoot, Path preset) throws java.io.IOException {
    Dataset d = load(spec, dataRoot, preset);
    int threads = spec.get("threads") == null ? Parallel.defaultThreads() : ((Number) spec.get("threads")).intValue();
    double target = ((Number) spec.getOrDefault("target_recall", 0.18)).doubleValue();
    Map<String, Object> row = LightGcnBench.run(d, params(spec), threads, target);
    if (spec.get("peer") == null) {
      return List.of(row);
    }
    // The reference code's epoch in PyTorch, same machine, same run: the ratio is the figure.
    String peer = string(spec, "peer", preset);
    if (!"torch-lightgcn".equals(peer)) {
      throw new IllegalArgumentException("unknown lightgcn peer '" + peer + "' in " + preset + "; valid: torch-lightgcn");
    }
    Path train = dataRoot.resolve(string(spec, "peer_train", preset));
    Map<String, Object> peerRow = PythonPeer.run(peer, preset.toAbsolutePath().getParent().getParent().resolve("peers/lightgcn_torch.py"),
        List.of("--train", train.toString()), (Map<String, Object>) spec.getOrDefault("peer_params", Map.of()), "python3-torch");
    Object funnel = row.get("seconds_per_epoch");
    Object torch = peerRow.get("epoch_seconds");
    if (funnel instanceof Number f && torch instanceof Number t && f.doubleValue() > 0) {
      peerRow.put("epoch_ratio_torch_over_funnel", Math.round(t.doubleValue() / f.doubleValue() * 100) / 100.0);
    }
    System.out.println(peerRow);
    return List.of(row, peerRow);
  }

  /** epochs and seconds_per_epoch (fit seconds / configured epochs, when the model has epochs), peak_rss_mb (VmHWM so far). */
  private static void addFitRows(Map<String, Object> json, FittedModel fitted) {
    Object epochs = fitted.params().get("epochs");
    if (epochs instanceof Number n && n.intValue() > 0) {
      json.put("epochs", n.intValue());
      json.put("seconds_per_epoch", Math.round(fitted.fitSeconds() / n.intValue() * 1000) / 1000.0);
    }
    json.put("peak_rss_mb", LightGcnBench.peakRssMb());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> params(Map<String, Object> model) {
    Map<String, String> params = new TreeMap<>();
    ((Map<String, Object>) model.getOrDefault("params", Map.of())).forEach((k, v) -> params.put(k, String.valueOf(v)));
    return params;
  }

  private static List<Map<String, Object>> runLoad(Map<String, Object> spec, Path dataRoot, Path preset) {
    String ds = datasetSpec(spec, dataRoot, preset);
    int repeats = spec.get("repeats") == null ? 3 : ((Number) spec.get("repeats")).intValue();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      LoadResult res = DatasetLoader.load(ds, loadOptions(spec));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("dataset", res.dataset().name());
      row.put("repeat", r + 1);
      row.put("load_seconds", Math.round(res.seconds() * 1000) / 1000.0);
      row.put("users", res.dataset().users().size());
      row.put("items", res.dataset().items().size());
      row.put("train", res.dataset().train().nnz());
      row.put("test", res.dataset().test().nnz());
      System.out.println(row);
      rows.add(row);
    }
    return rows;
  }

  private static List<Map<String, Object>> runServe(Map<String, Object> spec, Path dataRoot, Path preset) throws Exception {
    Dataset d = load(spec, dataRoot, preset);
    String model = string(spec, "model", preset);
    int k = number(spec, "k", 20).intValue();
    double rate = number(spec, "rate", 1000).doubleValue();
    Duration warmup = Duration.ofSeconds(number(spec, "warmup_seconds", 10).longValue());
    Duration duration = Duration.ofSeconds(number(spec, "duration_seconds", 30).longValue());
    int connections = number(spec, "connections", 16).intValue();
    TrainContext context = new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE);
    FittedModel fitted = Experiment.fit(model, params(spec), d.train(), context);
    System.out.printf("trained %s in %.2f s%n", model, fitted.fitSeconds());
    SavedModel saved = SavedModel.of(fitted.model(), d.users(), d.items(), d.train());
    // Random known users, fixed seed, so every run sends the same request mix.
    SplittableRandom rnd = new SplittableRandom(42);
    List<String> paths = new ArrayList<>();
    for (int n = 0; n < 10_000; n++) {
      paths.add("/v1/recommend?user=" + d.users().external(rnd.nextInt(d.users().size())) + "&k=" + k);
    }
    ServerConfig defaults = ServerConfig.defaults();
    try (FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, defaults.maxK(), model, defaults.eventLoops()),
        Map.of(model, saved))) {
      var result = LoadGenerator.run(URI.create("http://127.0.0.1:" + server.port()), paths, rate, warmup, duration, connections);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("model", model);
      row.put("dataset", d.name());
      row.put("k", k);
      row.put("rate", rate);
      row.put("connections", connections);
      row.put("duration_seconds", duration.toSeconds());
      result.putInto(row);
      row.put("p999_ms", dev.funnel.bench.serve.LoadResult.round3(result.p999Ms()));
      System.out.println(row);
      return List.of(row);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> runLive(String kind, Map<String, Object> spec, Path dataRoot, Path preset) throws Exception {
    Dataset d = load(spec, dataRoot, preset);
    String model = string(spec, "model", preset);
    TrainContext context = new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE);
    FittedModel fitted = Experiment.fit(model, Map.of(), d.train(), context);
    System.out.printf("trained %s in %.2f s%n", model, fitted.fitSeconds());
    SavedModel saved = SavedModel.of(fitted.model(), d.users(), d.items(), d.train());
    IngestBench.Host host = new IngestBench.Host(String.valueOf(spec.getOrDefault("server", "jvm")),
        preset.toAbsolutePath().getParent().getParent().getParent(), String.valueOf(spec.getOrDefault("server_heap", "4g")),
        ((List<Object>) spec.getOrDefault("server_jvm_options", List.of())).stream().map(String::valueOf).toList());
    if (kind.equals("freshness")) {
      return List.of(IngestBench.freshness(d, model, saved, number(spec, "rounds", 1000).intValue(), host));
    }
    Duration warmup = Duration.ofSeconds(number(spec, "warmup_seconds", 5).longValue());
    Duration duration = Duration.ofSeconds(number(spec, "duration_seconds", 20).longValue());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> run : (List<Map<String, Object>>) spec.get("runs")) {
      // Each row starts its own server in this JVM: collect the previous row's (dead) server first,
      // so its garbage is not collected inside this row's measurement.
      System.gc();
      Thread.sleep(2_000);
      if (run.get("rate") != null) { // open loop at a fixed rate (single events)
        rows.add(IngestBench.ingestOpenLoop(d, model, saved, ((Number) run.get("clients")).intValue(), ((Number) run.get("rate")).doubleValue(),
            warmup, duration, host, String.valueOf(spec.getOrDefault("load_generator", "jvm"))));
        continue;
      }
      rows.add(IngestBench.ingest(d, model, saved, ((Number) run.get("clients")).intValue(), ((Number) run.get("batch")).intValue(), warmup,
          duration, host));
    }
    return rows;
  }

  /** A preset's dataset and its model trained with default settings (the live-server presets serve it). */
  private record Trained(Dataset dataset, String model, SavedModel saved) {}

  private static Trained trainPresetModel(Map<String, Object> spec, Path dataRoot, Path preset) throws Exception {
    Dataset d = load(spec, dataRoot, preset);
    String model = string(spec, "model", preset);
    FittedModel fitted = Experiment.fit(model, Map.of(), d.train(), new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE));
    System.out.printf("trained %s in %.2f s%n", model, fitted.fitSeconds());
    return new Trained(d, model, SavedModel.of(fitted.model(), d.users(), d.items(), d.train()));
  }

  private static List<Map<String, Object>> runSoak(Map<String, Object> spec, Path dataRoot, Path preset) throws Exception {
    SoakBench.Settings settings = new SoakBench.Settings(Duration.ofSeconds(number(spec, "duration_seconds", 600).longValue()),
        Duration.ofSeconds(number(spec, "warmup_seconds", 120).longValue()), Duration.ofSeconds(number(spec, "sample_seconds", 10).longValue()),
        number(spec, "recommend_rate", 1000).doubleValue(), number(spec, "ingest_rate", 1000).doubleValue(),
        spec.getOrDefault("server_heap", "1g").toString(), number(spec, "idempotency_window", 100_000).intValue(),
        number(spec, "max_online_users", 20_000).intValue(), number(spec, "connections", 16).intValue(),
        List.of(spec.getOrDefault("server_jvm_options", "").toString().split("\\s+")).stream().filter(o -> !o.isEmpty()).toList());
    Trained t = trainPresetModel(spec, dataRoot, preset);
    return SoakBench.run(t.dataset(), t.model(), t.saved(), settings);
  }

  private static Number number(Map<String, Object> spec, String key, Number fallback) {
    return (Number) spec.getOrDefault(key, fallback);
  }

  /** The real server as a child process of this JVM (same classpath), on a temporary data directory. */
  private static List<Map<String, Object>> runProcess(String kind, Map<String, Object> spec) throws Exception {
    Path tmp = Files.createTempDirectory("funnel-" + kind + "-bench");
    try {
      Path data = tmp.resolve("data");
      if (kind.equals("crash")) {
        long seed = spec.get("seed") == null ? System.nanoTime() : ((Number) spec.get("seed")).longValue();
        var o = dev.funnel.bench.live.CrashBench.run(data, number(spec, "rounds", 20).intValue(),
            number(spec, "clients", 4).intValue(), number(spec, "batch", 50).intValue(), seed,
            number(spec, "min_kill_millis", 500).intValue(), number(spec, "max_kill_millis", 3000).intValue());
        System.out.println(o.row());
        return List.of(o.row());
      }
      Map<String, Object> row = dev.funnel.bench.live.RecoveryBench.run(data, number(spec, "events", 10_000_000).longValue(),
          number(spec, "users", 30_000).intValue(), number(spec, "items", 40_000).intValue(),
          String.valueOf(spec.getOrDefault("heap", "4g")));
      System.out.println(row);
      return List.of(row);
    } finally {
      try (var files = Files.walk(tmp)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> runHotSwap(Map<String, Object> spec, Path dataRoot, Path preset) throws Exception {
    Trained t = trainPresetModel(spec, dataRoot, preset);
    var settings = new dev.funnel.bench.lifecycle.HotSwapBench.Settings(number(spec, "rate", 1000).doubleValue(),
        number(spec, "connections", 32).intValue(), number(spec, "swaps", 10).intValue(),
        Duration.ofSeconds(number(spec, "warmup_seconds", 15).longValue()),
        Duration.ofSeconds(number(spec, "steady_seconds", 30).longValue()),
        number(spec, "gap_ms", 2000).longValue(), number(spec, "grace_ms", 250).longValue(),
        number(spec, "k", 20).intValue(), (List<String>) spec.getOrDefault("sources", List.of("memory", "file")),
        String.valueOf(spec.getOrDefault("server", "jvm")), preset.toAbsolutePath().getParent().getParent().getParent(),
        String.valueOf(spec.getOrDefault("server_heap", "4g")),
        ((List<Object>) spec.getOrDefault("server_jvm_options", List.of())).stream().map(String::valueOf).toList(),
        number(spec, "warmup_swaps", 2).intValue());
    return dev.funnel.bench.lifecycle.HotSwapBench.run(t.dataset(), t.model(), t.saved(), settings);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> runTrainSpeed(Map<String, Object> spec, Path dataRoot, Path preset) {
    Map<String, Object> model = (Map<String, Object>) spec.get("model");
    if (model == null || !MfBpr.NAME.equals(model.get("name"))) {
      throw new IllegalArgumentException(preset + ": field 'model.name': train-speed supports '" + MfBpr.NAME + "' only");
    }
    Dataset d = load(spec, dataRoot, preset);
    int[] threads = ((List<Integer>) spec.getOrDefault("threads", List.of(1, 2))).stream().mapToInt(Integer::intValue).toArray();
    int epochs = number(spec, "epochs", 6).intValue();
    int warmup = number(spec, "warmup_epochs", 1).intValue();
    return TrainSpeedBench.run(d, params(model), threads, epochs, warmup);
  }


  /** A required preset field as text; missing is an error naming the preset and field. */
  public static String string(Map<String, Object> spec, String key, Path preset) {
    Object v = spec.get(key);
    if (v == null) {
      throw new IllegalArgumentException(preset + ": missing field '" + key + "'");
    }
    return v.toString();
  }

}
