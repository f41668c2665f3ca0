package dev.funnel.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.funnel.bench.live.IngestBench;
import dev.funnel.bench.serve.LoadGenerator;
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
 *   <li>{@code serve}: rows {@code {model, rate, p50_ms, p90_ms, p99_ms, p999_ms, max_ms, qps, errors}};
 *   <li>{@code ingest}: durable events over HTTP into the live service, one row per {@code runs} entry
 *       {@code {clients, batch, events_per_s, p50_ms, p99_ms, ...}} ({@link IngestBench#ingest});
 *   <li>{@code freshness}: event acknowledged -> visible in {@code /v1/recommend}, row {@code {p50_ms, p99_ms, ...}}.
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
      default -> throw new IllegalArgumentException(preset + ": field 'kind': unknown '" + kind + "'; valid: eval, load, serve, ingest, freshness");
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
      rows.add(json);
      names.add(model);
      results.add(row.evalResult());
    }
    System.out.print(EvalTable.format(results.get(0).protocol(), names, results));
    return rows;
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
    int k = ((Number) spec.getOrDefault("k", 20)).intValue();
    double rate = ((Number) spec.getOrDefault("rate", 1000)).doubleValue();
    Duration warmup = Duration.ofSeconds(((Number) spec.getOrDefault("warmup_seconds", 10)).longValue());
    Duration duration = Duration.ofSeconds(((Number) spec.getOrDefault("duration_seconds", 30)).longValue());
    int connections = ((Number) spec.getOrDefault("connections", 16)).intValue();
    TrainContext context = new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE);
    FittedModel fitted = Experiment.fit(model, Map.of(), d.train(), context);
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
      row.put("requests", result.requests());
      row.put("errors", result.errors());
      row.put("qps", round3(result.qps()));
      row.put("p50_ms", round3(result.p50Ms()));
      row.put("p90_ms", round3(result.p90Ms()));
      row.put("p99_ms", round3(result.p99Ms()));
      row.put("p999_ms", round3(result.p999Ms()));
      row.put("max_ms", round3(result.maxMs()));
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
    if (kind.equals("freshness")) {
      return List.of(IngestBench.freshness(d, model, saved, ((Number) spec.getOrDefault("rounds", 1000)).intValue()));
    }
    Duration warmup = Duration.ofSeconds(((Number) spec.getOrDefault("warmup_seconds", 5)).longValue());
    Duration duration = Duration.ofSeconds(((Number) spec.getOrDefault("duration_seconds", 20)).longValue());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Map<String, Object> run : (List<Map<String, Object>>) spec.get("runs")) {
      rows.add(IngestBench.ingest(d, model, saved, ((Number) run.get("clients")).intValue(), ((Number) run.get("batch")).intValue(), warmup,
          duration));
    }
    return rows;
  }

  private static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  private static String string(Map<String, Object> spec, String key, Path preset) {
    Object v = spec.get(key);
    if (v == null) {
      throw new IllegalArgumentException(preset + ": missing field '" + key + "'");
    }
    return v.toString();
  }

}
