package dev.funnel.bench.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.funnel.data.Dataset;
import dev.funnel.experiment.Experiment;
import dev.funnel.experiment.FittedModel;
import dev.funnel.online.OnlineRecommender;
import dev.funnel.recall.ModelFile;
import dev.funnel.recall.SavedModel;
import dev.funnel.recall.TrainContext;
import dev.funnel.server.FunnelServer;
import dev.funnel.server.LiveService;
import dev.funnel.server.ServerConfig;
import dev.funnel.store.DataDirectory;
import dev.funnel.util.Parallel;
import dev.funnel.util.Progress;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code kind: serve-scene}: latency of {@code GET /v1/recommend?scene=NAME} on a live server. Trains
 * {@code model} on the dataset, writes it and the preset's {@code scene:} mapping into a fresh data
 * directory (the online state seeded from the training counts, no event log, so item-to-item
 * triggers come from the training rows), then sends an open-loop load of random known users at each
 * of {@code rates} (load generator in the same JVM, as the {@code serve} kind does). One row per rate:
 * {@code scene, rate, qps, p50_ms, p99_ms, ...}; with {@code compare_plain: true} each rate also runs the
 * plain model route ({@code /v1/recommend?user=}) on the same server and users, the peer measured in
 * the same run; a last row has per-stage mean latencies from sequential traced requests.
 */
public final class SceneServeBench {
  private SceneServeBench() {}

  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> run(Map<String, Object> spec, Dataset d, Path preset) throws Exception {
    String model = (String) spec.get("model");
    Map<String, Object> scene = (Map<String, Object>) spec.get("scene");
    if (model == null || scene == null || !(scene.get("name") instanceof String sceneName)) {
      throw new IllegalArgumentException(preset + ": serve-scene needs 'model' and a 'scene' mapping with a 'name'");
    }
    int k = ((Number) spec.getOrDefault("k", 20)).intValue();
    List<Number> rates = (List<Number>) spec.getOrDefault("rates", List.of(1000));
    Duration warmup = Duration.ofSeconds(((Number) spec.getOrDefault("warmup_seconds", 10)).longValue());
    Duration duration = Duration.ofSeconds(((Number) spec.getOrDefault("duration_seconds", 30)).longValue());
    int connections = ((Number) spec.getOrDefault("connections", 16)).intValue();
    TrainContext context = new TrainContext(Parallel.defaultThreads(), 42L, Progress.NONE);
    FittedModel fitted = Experiment.fit(model, Map.of(), d.train(), context);
    System.out.printf("trained %s in %.2f s%n", model, fitted.fitSeconds());
    SavedModel saved = SavedModel.of(fitted.model(), d.users(), d.items(), d.train());

    Path dir = Files.createTempDirectory("funnel-serve-scene");
    try {
      Files.createDirectories(dir.resolve(DataDirectory.MODELS_DIR));
      ModelFile.write(dir.resolve(DataDirectory.MODELS_DIR).resolve(model + ModelFile.SUFFIX), saved);
      Files.createDirectories(dir.resolve(DataDirectory.SCENES_DIR));
      new ObjectMapper(new YAMLFactory()).writeValue(dir.resolve(DataDirectory.SCENES_DIR).resolve(sceneName + ".yaml").toFile(), scene);
      LiveService.Config defaults = LiveService.Config.defaults();
      OnlineRecommender.Config o = defaults.online();
      LiveService.Config config = defaults.withOnline(new OnlineRecommender.Config(o.users(), o.popularity(), o.triggerHalfLifeMillis(),
          o.coldStart(), true, o.maxItems()));
      SplittableRandom rnd = new SplittableRandom(42);
      List<String> paths = new ArrayList<>();
      List<String> plainPaths = new ArrayList<>();
      for (int n = 0; n < 10_000; n++) {
        String user = d.users().external(rnd.nextInt(d.users().size()));
        paths.add("/v1/recommend?scene=" + sceneName + "&user=" + user + "&k=" + k);
        plainPaths.add("/v1/recommend?user=" + user + "&k=" + k);
      }
      boolean comparePlain = Boolean.TRUE.equals(spec.get("compare_plain"));
      List<Map<String, Object>> rows = new ArrayList<>();
      ServerConfig sd = ServerConfig.defaults();
      try (LiveService live = LiveService.open(dir, null, config);
          FunnelServer server = FunnelServer.start(new ServerConfig("127.0.0.1", 0, sd.maxK(), null, sd.eventLoops()), live)) {
        URI base = URI.create("http://127.0.0.1:" + server.port());
        String sample = HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(paths.get(0) + "&debug=true")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        System.out.println("sample: " + (sample.length() > 600 ? sample.substring(0, 600) + "..." : sample));
        for (int run = 0; run < rates.size() * (comparePlain ? 2 : 1); run++) {
          Number rate = rates.get(comparePlain ? run / 2 : run);
          boolean plain = comparePlain && run % 2 == 1;
          LoadResult result = LoadGenerator.run(base, plain ? plainPaths : paths, rate.doubleValue(), warmup, duration, connections);
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("scene", plain ? "(none: plain /v1/recommend)" : sceneName);
          row.put("model", model);
          row.put("dataset", d.name());
          row.put("k", k);
          row.put("rate", rate.doubleValue());
          row.put("connections", connections);
          row.put("duration_seconds", duration.toSeconds());
          result.putInto(row);
          System.out.println(row);
          rows.add(row);
        }
        rows.add(stages(base, paths, sceneName, k, Math.min(paths.size(), ((Number) spec.getOrDefault("trace_requests", 1000)).intValue())));
      }
      return rows;
    } finally {
      delete(dir);
    }
  }

  /**
   * Sequential {@code debug=true} requests after the load (JIT warm, no queueing): mean microseconds per
   * stage and per channel from the traces, and the share of degraded and of short responses.
   */
  private static Map<String, Object> stages(URI base, List<String> paths, String scene, int k, int n) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    ObjectMapper json = new ObjectMapper();
    Map<String, double[]> sums = new LinkedHashMap<>();
    int degraded = 0;
    int shortPages = 0;
    for (int r = 0; r < n; r++) {
      String body = client.send(HttpRequest.newBuilder(base.resolve(paths.get(r) + "&debug=true")).build(), HttpResponse.BodyHandlers.ofString())
          .body();
      var tree = json.readTree(body);
      if (!tree.get("degraded").isEmpty()) {
        degraded++;
      }
      if (tree.get("items").size() < k) {
        shortPages++;
      }
      for (var st : tree.get("trace").get("stages")) {
        sums.computeIfAbsent(st.get("stage").asText(), x -> new double[1])[0] += st.get("micros").asDouble();
      }
      for (var ch : tree.get("trace").get("channels")) {
        sums.computeIfAbsent("channel:" + ch.get("channel").asText(), x -> new double[1])[0] += ch.get("micros").asDouble();
      }
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("scene", scene);
    row.put("trace_requests", n);
    row.put("degraded_share", LoadResult.round3((double) degraded / n));
    row.put("short_page_share", LoadResult.round3((double) shortPages / n));
    Map<String, Object> means = new LinkedHashMap<>();
    sums.forEach((name, v) -> means.put(name, LoadResult.round3(v[0] / n)));
    row.put("mean_micros", means);
    System.out.println(row);
    return row;
  }


  private static void delete(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
